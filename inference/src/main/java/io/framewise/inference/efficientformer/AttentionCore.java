package io.framewise.inference.efficientformer;

import java.util.function.UnaryOperator;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * The attention product that timm's {@code Attention} (V1), {@code Attention2d} and {@code Attention2dDownsample}
 * (V2) each write out in their forward methods: {@code softmax(q kᵀ / sqrt(key_dim) + bias) v} per head, with V2's
 * talking heads as optional transforms of the logits before and after the softmax. The caller makes q, k and v from
 * its own projections, and the bias from its own table ({@link NetBuilder#attentionBias}).
 */
public final class AttentionCore {
    private AttentionCore() {
    }

    /**
     * @param q             queries {@code [B, heads, Nq, keyDim]}
     * @param k             keys {@code [B, heads, Nk, keyDim]}
     * @param v             values {@code [B, heads, Nk, valueDim]}
     * @param bias          {@code [heads, Nq, Nk]}, added to the scaled logits
     * @param beforeSoftmax applied to the biased logits (V2's {@code talking_head1}; identity for the others)
     * @param afterSoftmax  applied to the attention weights (V2's {@code talking_head2})
     * @return {@code [B, heads, Nq, valueDim]}
     */
    public static Operand<TFloat32> attend(NetBuilder net, Operand<TFloat32> q, Operand<TFloat32> k, Operand<TFloat32> v,
                                           Operand<TFloat32> bias, UnaryOperator<Operand<TFloat32>> beforeSoftmax,
                                           UnaryOperator<Operand<TFloat32>> afterSoftmax) {
        Ops tf = net.tf();
        int heads = NetBuilder.dim(q, 1);
        int nq = NetBuilder.dim(q, 2);
        int keyDim = NetBuilder.dim(q, 3);
        int nk = NetBuilder.dim(k, 2);
        int valueDim = NetBuilder.dim(v, 3);
        // The scale goes on q (small) rather than on the logits: same result, and oneDNN's remapper handles it.
        Operand<TFloat32> scaled = tf.math.mul(q, net.scalar((float) Math.pow(keyDim, -0.5)));
        Operand<TFloat32> logits = tf.train.batchMatMul(scaled, k, TFloat32.class, BatchMatMul.adjY(true));
        net.countMacs((long) heads * nq * nk * keyDim);
        logits = beforeSoftmax.apply(tf.math.add(logits, bias));
        Operand<TFloat32> attn = afterSoftmax.apply(tf.nn.softmax(logits));
        return net.batchMatMul(attn, v, (long) heads * nq * nk * valueDim);
    }

    /** Plain attention: no transform of the logits. */
    public static Operand<TFloat32> attend(NetBuilder net, Operand<TFloat32> q, Operand<TFloat32> k, Operand<TFloat32> v,
                                           Operand<TFloat32> bias) {
        return attend(net, q, k, v, bias, UnaryOperator.identity(), UnaryOperator.identity());
    }
}
