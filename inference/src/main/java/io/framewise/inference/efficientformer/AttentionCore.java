package io.framewise.inference.efficientformer;

import java.util.function.UnaryOperator;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * The attention product that timm's {@code Attention} (V1), {@code Attention2d} and {@code Attention2dDownsample}
 * (V2) each write out in their forward methods: {@code softmax(q kᵀ / sqrt(key_dim) + bias) v} per head, with V2's
 * talking heads as optional transforms of the logits before and after the softmax. The caller makes q, k and v from
 * its own projections, and the bias from its own table ({@link #attentionBias}).
 */
public final class AttentionCore {
    private AttentionCore() {
    }

    /**
     * @param key           the attention module's timm key: the scope its operations are named in
     * @param q             queries {@code [B, heads, Nq, keyDim]}
     * @param k             keys {@code [B, heads, Nk, keyDim]}
     * @param v             values {@code [B, heads, Nk, valueDim]}
     * @param bias          {@code [heads, Nq, Nk]}, added to the scaled logits
     * @param beforeSoftmax applied to the biased logits (V2's {@code talking_head1}; identity for the others)
     * @param afterSoftmax  applied to the attention weights (V2's {@code talking_head2})
     * @return {@code [B, heads, Nq, valueDim]}
     */
    public static Operand<TFloat32> attend(NetBuilder net, String key, Operand<TFloat32> q, Operand<TFloat32> k,
                                           Operand<TFloat32> v, Operand<TFloat32> bias,
                                           UnaryOperator<Operand<TFloat32>> beforeSoftmax,
                                           UnaryOperator<Operand<TFloat32>> afterSoftmax) {
        Ops tf = net.tf().withSubScope(key);
        int heads = NetBuilder.dim(q, 1);
        int nq = NetBuilder.dim(q, 2);
        int keyDim = NetBuilder.dim(q, 3);
        int nk = NetBuilder.dim(k, 2);
        int valueDim = NetBuilder.dim(v, 3);
        // The scale goes on q (small) rather than on the logits: same result, and oneDNN's remapper handles it.
        Operand<TFloat32> scaled = tf.math.mul(q, tf.constant((float) Math.pow(keyDim, -0.5)));
        Operand<TFloat32> logits = tf.train.batchMatMul(scaled, k, TFloat32.class, BatchMatMul.adjY(true));
        net.weights().countMacs((long) heads * nq * nk * keyDim);
        logits = beforeSoftmax.apply(tf.math.add(logits, bias));
        Operand<TFloat32> attn = afterSoftmax.apply(tf.nn.softmax(logits));
        net.weights().countMacs((long) heads * nq * nk * valueDim);
        return tf.train.batchMatMul(attn, v, TFloat32.class);
    }

    /** Plain attention: no transform of the logits. */
    public static Operand<TFloat32> attend(NetBuilder net, String key, Operand<TFloat32> q, Operand<TFloat32> k,
                                           Operand<TFloat32> v, Operand<TFloat32> bias) {
        return attend(net, key, q, k, v, bias, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** [B, H, W, C] -> [B, heads, H*W, C/heads]: channel c = head * (C/heads) + j, as PyTorch's reshape of NCHW. */
    public static Operand<TFloat32> toHeads(NetBuilder net, Operand<TFloat32> x, int heads) {
        Ops tf = net.tf();
        int n = NetBuilder.dim(x, 1) * NetBuilder.dim(x, 2);
        int d = NetBuilder.dim(x, 3) / heads;
        return tf.linalg.transpose(tf.reshape(x, tf.constant(new int[] {-1, n, heads, d})), tf.constant(new int[] {0, 2, 1, 3}));
    }

    /** [B, heads, N, d] -> [B, H, W, heads*d]. */
    public static Operand<TFloat32> fromHeads(NetBuilder net, Operand<TFloat32> x, int h, int w) {
        Ops tf = net.tf();
        int heads = NetBuilder.dim(x, 1);
        int d = NetBuilder.dim(x, 3);
        return tf.reshape(tf.linalg.transpose(x, tf.constant(new int[] {0, 2, 1, 3})), tf.constant(new int[] {-1, h, w, heads * d}));
    }

    /** Learned attention biases {@code [heads, table]} gathered by an index map {@code [Nq, Nk]} into a constant [heads, Nq, Nk]. */
    public static Operand<TFloat32> attentionBias(NetBuilder net, String key, int heads, int tableSize, int[][] index) {
        float[] table = net.weights().param(key, heads, tableSize);
        int nq = index.length;
        int nk = index[0].length;
        float[] bias = new float[heads * nq * nk];
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < nq; q++) {
                for (int k = 0; k < nk; k++) {
                    bias[(h * nq + q) * nk + k] = table[h * tableSize + index[q][k]];
                }
            }
        }
        return NetBuilder.constant(net.tf().withSubScope(key), Shape.of(heads, nq, nk), bias);
    }

    /** Relative position index of a square grid of {@code resolution}: |dy| * resolution + |dx| (timm's formula). */
    public static int[][] relativeIndex(int resolution, int queryStride) {
        int qSide = (resolution + queryStride - 1) / queryStride;
        int[][] idx = new int[qSide * qSide][resolution * resolution];
        for (int qy = 0; qy < qSide; qy++) {
            for (int qx = 0; qx < qSide; qx++) {
                for (int ky = 0; ky < resolution; ky++) {
                    for (int kx = 0; kx < resolution; kx++) {
                        idx[qy * qSide + qx][ky * resolution + kx] =
                                Math.abs(qy * queryStride - ky) * resolution + Math.abs(qx * queryStride - kx);
                    }
                }
            }
        }
        return idx;
    }
}
