package io.framewise.inference.efficientformer.v1;

import io.framewise.inference.efficientformer.AttentionCore;
import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * V1 multi-head self-attention over the 7x7 tokens (timm {@code Attention}): key_dim 32, 8 heads, attn_ratio 4.
 * {@code qkv} is split per head, interleaved: each head's 192 channels are q(32) | k(32) | v(128). Logits get a
 * learned bias per head indexed by |dy|*7 + |dx|. The layer scale after the block is folded into {@code proj}.
 */
final class Attention {
    static final int KEY_DIM = 32;
    static final int HEADS = 8;
    static final int VALUE_DIM = 4 * KEY_DIM;
    static final int RESOLUTION = 7;

    private Attention() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int dim, String gammaKey) {
        var tf = net.tf();
        int n = NetBuilder.dim(x, 1);
        int perHead = 2 * KEY_DIM + VALUE_DIM;
        Operand<TFloat32> qkv = net.linear(x, prefix + ".qkv", HEADS * perHead, null);
        Operand<TFloat32> heads = tf.linalg.transpose(tf.reshape(qkv, tf.constant(new int[] {-1, n, HEADS, perHead})),
                tf.constant(new int[] {0, 2, 1, 3}));
        var parts = tf.splitV(heads, tf.constant(new int[] {KEY_DIM, KEY_DIM, VALUE_DIM}), tf.constant(3), 3L).output();
        Operand<TFloat32> q = parts.get(0);
        Operand<TFloat32> k = parts.get(1);
        Operand<TFloat32> v = parts.get(2);
        Operand<TFloat32> bias = AttentionCore.attentionBias(net, prefix + ".attention_biases", HEADS, RESOLUTION * RESOLUTION,
                AttentionCore.relativeIndex(RESOLUTION, 1));
        Operand<TFloat32> out = AttentionCore.attend(net, prefix, q, k, v, bias);
        out = tf.reshape(tf.linalg.transpose(out, tf.constant(new int[] {0, 2, 1, 3})),
                tf.constant(new int[] {-1, n, HEADS * VALUE_DIM}));
        return net.linear(out, prefix + ".proj", dim, gammaKey);
    }
}
