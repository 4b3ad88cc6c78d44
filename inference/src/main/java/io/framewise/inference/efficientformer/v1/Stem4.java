package io.framewise.inference.efficientformer.v1;

import static io.framewise.inference.efficientformer.Conv.conv;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** V1 stem: two 3x3 stride-2 convolutions, each with BatchNorm and ReLU (stride 4 overall). timm: {@code stem}. */
final class Stem4 {
    private Stem4() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, int width) {
        x = net.relu(net.conv(x, conv("stem.conv1", width / 2).kernelSize(3).stride(2).padding(1).norm("stem.norm1")));
        return net.relu(net.conv(x, conv("stem.conv2", width).kernelSize(3).stride(2).padding(1).norm("stem.norm2")));
    }
}
