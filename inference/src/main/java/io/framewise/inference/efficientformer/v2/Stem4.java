package io.framewise.inference.efficientformer.v2;

import static io.framewise.inference.efficientformer.Conv.convNorm;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** V2 stem: two ConvNorm 3x3 stride-2 layers, each followed by GELU. timm: {@code stem.conv1}, {@code stem.conv2}. */
final class Stem4 {
    private Stem4() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, int width) {
        x = net.gelu(net.conv(x, convNorm("stem.conv1", width / 2).kernelSize(3).stride(2).padding(1)));
        return net.gelu(net.conv(x, convNorm("stem.conv2", width).kernelSize(3).stride(2).padding(1)));
    }
}
