package io.framewise.inference.efficientformer.v2;

import static io.framewise.inference.efficientformer.Conv.convNorm;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * Attention4DDownsample (timm {@code Attention2dDownsample}), 14x14 to 7x7: 8 heads, key_dim 16, attn_ratio 4, no
 * talking heads. Queries come from {@link LGQuery} at 7x7; keys and values stay at 14x14; the learned bias is indexed
 * by |2 qy - ky| * 14 + |2 qx - kx|. A stride-2 depthwise {@code v_local} is added, then GELU and {@code proj}.
 */
final class Attention2dDownsample {
    static final int KEY_DIM = 16;
    static final int HEADS = 8;
    static final int VALUE_DIM = 4 * KEY_DIM;
    static final int RESOLUTION = 14;

    private Attention2dDownsample() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int out) {
        var tf = net.tf();
        int nk = NetBuilder.dim(x, 1) * NetBuilder.dim(x, 2);
        Operand<TFloat32> q = LGQuery.apply(net, x, prefix + ".q", HEADS * KEY_DIM);
        int h = NetBuilder.dim(q, 1);
        int w = NetBuilder.dim(q, 2);
        int nq = h * w;
        Operand<TFloat32> k = net.conv(x, convNorm(prefix + ".k", HEADS * KEY_DIM));
        Operand<TFloat32> v = net.conv(x, convNorm(prefix + ".v", HEADS * VALUE_DIM));
        Operand<TFloat32> vLocal = net.conv(v, convNorm(prefix + ".v_local", HEADS * VALUE_DIM).kernelSize(3).stride(2).padding(1).depthwise());

        // The scale goes on q (small) rather than on the logits: same result, and oneDNN's remapper handles it.
        Operand<TFloat32> scaledQ = tf.math.mul(net.toHeads(q, HEADS), net.scalar((float) Math.pow(KEY_DIM, -0.5)));
        Operand<TFloat32> logits = tf.train.batchMatMul(scaledQ, net.toHeads(k, HEADS), TFloat32.class, BatchMatMul.adjY(true));
        net.countMacs((long) HEADS * nq * nk * KEY_DIM);
        logits = tf.math.add(logits, net.attentionBias(prefix + ".attention_biases", HEADS, RESOLUTION * RESOLUTION,
                NetBuilder.relativeIndex(RESOLUTION, 2)));
        Operand<TFloat32> attn = tf.nn.softmax(logits);
        Operand<TFloat32> o = net.fromHeads(net.batchMatMul(attn, net.toHeads(v, HEADS), (long) HEADS * nq * nk * VALUE_DIM), h, w);
        o = net.addToDepthwise(vLocal, o);
        return net.conv(net.geluStandalone(o), convNorm(prefix + ".proj", out));
    }
}
