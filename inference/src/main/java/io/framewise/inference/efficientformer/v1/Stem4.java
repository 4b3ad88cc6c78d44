package io.framewise.inference.efficientformer.v1;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** V1 stem: two 3x3 stride-2 convolutions, each with BatchNorm and ReLU (stride 4 overall). timm: {@code stem}. */
final class Stem4 {
    private Stem4() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, int width) {
        x = net.relu(net.conv(x, "stem.conv1", width / 2, 3, 2, 1, false, "stem.norm1", null));
        return net.relu(net.conv(x, "stem.conv2", width, 3, 2, 1, false, "stem.norm2", null));
    }
}
