package io.framewise.inference.efficientformer.v2;

import static io.framewise.inference.efficientformer.Conv.convNorm;

import io.framewise.inference.efficientformer.AttentionCore;
import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
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
        Operand<TFloat32> q = LGQuery.apply(net, x, prefix + ".q", HEADS * KEY_DIM);
        int h = NetBuilder.dim(q, 1);
        int w = NetBuilder.dim(q, 2);
        Operand<TFloat32> k = net.conv(x, convNorm(prefix + ".k", HEADS * KEY_DIM));
        Operand<TFloat32> v = net.conv(x, convNorm(prefix + ".v", HEADS * VALUE_DIM));
        Operand<TFloat32> vLocal = net.conv(v, convNorm(prefix + ".v_local", HEADS * VALUE_DIM).kernelSize(3).stride(2).padding(1).depthwise());
        Operand<TFloat32> bias = AttentionCore.attentionBias(net, prefix + ".attention_biases", HEADS, RESOLUTION * RESOLUTION,
                AttentionCore.relativeIndex(RESOLUTION, 2));
        Operand<TFloat32> o = AttentionCore.fromHeads(net, AttentionCore.attend(net, prefix, AttentionCore.toHeads(net, q, HEADS), AttentionCore.toHeads(net, k, HEADS),
                AttentionCore.toHeads(net, v, HEADS), bias), h, w);
        o = net.addToDepthwise(vLocal, o);
        return net.conv(net.geluStandalone(o), convNorm(prefix + ".proj", out));
    }
}
