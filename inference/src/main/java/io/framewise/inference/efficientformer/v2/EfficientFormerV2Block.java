package io.framewise.inference.efficientformer.v2;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A V2 block (timm {@code EfficientFormerV2Block}): FFN, {@code x + ls2 Mlp(x)}; or AttnFFN, first
 * {@code x + ls1 Attention2d(x)}. No norm before either (V2 has no LayerNorm).
 */
final class EfficientFormerV2Block {
    private EfficientFormerV2Block() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int dim, int mlpRatio,
                                   boolean attention, int attentionStride) {
        var tf = net.tf();
        if (attention) {
            x = tf.math.add(x, Attention2d.apply(net, x, prefix + ".token_mixer", dim, attentionStride, prefix + ".ls1.gamma"));
        }
        return tf.math.add(x, ConvMlpWithNorm.apply(net, x, prefix + ".mlp", dim, dim * mlpRatio, prefix + ".ls2.gamma"));
    }
}
