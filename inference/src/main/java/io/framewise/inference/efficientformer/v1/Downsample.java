package io.framewise.inference.efficientformer.v1;

import static io.framewise.inference.efficientformer.Conv.conv;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Between stages: 3x3 stride-2 convolution + BatchNorm, no activation. timm: {@code stages.N.downsample}. */
final class Downsample {
    private Downsample() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int out) {
        return net.conv(x, conv(prefix + ".conv", out).kernelSize(3).stride(2).padding(1).norm(prefix + ".norm"));
    }
}
