package io.framewise.inference.efficientformer.v1;

import static io.framewise.inference.efficientformer.Conv.conv;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Meta4D (timm {@code MetaBlock2d}): a pooling token mixer, {@code x + ls1 (AvgPool3x3(x) - x)} with padding left out
 * of the average, then {@code x + ls2 ConvMlpWithNorm(x)} (1x1 conv, BN, GELU, 1x1 conv, BN).
 */
final class MetaBlock2d {
    private MetaBlock2d() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int dim, int mlpRatio) {
        var tf = net.tf();
        Operand<TFloat32> pooled = tf.math.sub(net.avgPool3x3(x), x);
        x = tf.math.add(x, net.layerScale(pooled, prefix + ".ls1.gamma", dim));
        Operand<TFloat32> h = net.gelu(net.conv(x, conv(prefix + ".mlp.fc1", dim * mlpRatio).norm(prefix + ".mlp.norm1")));
        return tf.math.add(x, net.conv(h, conv(prefix + ".mlp.fc2", dim).norm(prefix + ".mlp.norm2").layerScale(prefix + ".ls2.gamma")));
    }
}
