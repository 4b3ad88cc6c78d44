package io.framewise.inference.efficientformer.v2;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * V2's MLP with a depthwise mid convolution (timm {@code ConvMlpWithNorm} with {@code mid_conv}): 1x1 ConvNorm, GELU,
 * depthwise 3x3 ConvNorm, GELU, 1x1 ConvNorm. The block's layer scale is folded into the last layer.
 */
final class ConvMlpWithNorm {
    private ConvMlpWithNorm() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int dim, int hidden, String gammaKey) {
        Operand<TFloat32> h = net.gelu(net.conv(x, prefix + ".fc1.conv", hidden, 1, 1, 0, false, prefix + ".fc1.bn", null));
        h = net.gelu(net.conv(h, prefix + ".mid.conv", hidden, 3, 1, 1, true, prefix + ".mid.bn", null));
        return net.conv(h, prefix + ".fc2.conv", dim, 1, 1, 0, false, prefix + ".fc2.bn", gammaKey);
    }
}
