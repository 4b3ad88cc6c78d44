package io.framewise.inference.efficientformer.v2;

import static io.framewise.inference.efficientformer.Conv.convNorm;

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
        Operand<TFloat32> h = net.gelu(net.conv(x, convNorm(prefix + ".fc1", hidden)));
        h = net.gelu(net.conv(h, convNorm(prefix + ".mid", hidden).kernelSize(3).padding(1).depthwise()));
        return net.conv(h, convNorm(prefix + ".fc2", dim).layerScale(gammaKey));
    }
}
