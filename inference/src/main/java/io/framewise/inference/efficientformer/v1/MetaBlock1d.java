package io.framewise.inference.efficientformer.v1;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Meta3D (timm {@code MetaBlock1d}) on tokens: {@code x + ls1 Attention(LN(x))}, then
 * {@code x + ls2 Mlp(LN(x))} with Mlp = Linear(C, 4C), GELU, Linear(4C, C).
 */
final class MetaBlock1d {
    private MetaBlock1d() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int dim, int mlpRatio) {
        var tf = net.tf();
        x = tf.math.add(x, Attention.apply(net, net.layerNorm(x, prefix + ".norm1"), prefix + ".token_mixer", dim,
                prefix + ".ls1.gamma"));
        Operand<TFloat32> h = net.gelu(net.linear(net.layerNorm(x, prefix + ".norm2"), prefix + ".mlp.fc1", dim * mlpRatio, null));
        return tf.math.add(x, net.linear(h, prefix + ".mlp.fc2", dim, prefix + ".ls2.gamma"));
    }
}
