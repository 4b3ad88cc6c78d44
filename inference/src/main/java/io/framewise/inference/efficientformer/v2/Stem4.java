package io.framewise.inference.efficientformer.v2;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** V2 stem: two ConvNorm 3x3 stride-2 layers, each followed by GELU. timm: {@code stem.conv1}, {@code stem.conv2}. */
final class Stem4 {
    private Stem4() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, int width) {
        x = net.gelu(net.conv(x, "stem.conv1.conv", width / 2, 3, 2, 1, false, "stem.conv1.bn", null));
        return net.gelu(net.conv(x, "stem.conv2.conv", width, 3, 2, 1, false, "stem.conv2.bn", null));
    }
}
