package io.framewise.inference.efficientformer.v2;

import static io.framewise.inference.efficientformer.Conv.convNorm;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Between stages (timm {@code Downsample}): a 3x3 stride-2 ConvNorm; before the last stage, plus an
 * {@link Attention2dDownsample} branch, summed.
 */
final class Downsample {
    private Downsample() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int out, boolean withAttention) {
        Operand<TFloat32> conv = net.conv(x, convNorm(prefix + ".conv", out).kernelSize(3).stride(2).padding(1));
        return withAttention ? net.tf().math.add(conv, Attention2dDownsample.apply(net, x, prefix + ".attn", out)) : conv;
    }
}
