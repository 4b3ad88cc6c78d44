package io.framewise.inference.efficientformer.v2;

import static io.framewise.inference.efficientformer.Conv.convNorm;

import io.framewise.inference.efficientformer.AttentionCore;
import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Attention4D (timm {@code Attention2d}): 8 heads, key_dim 32, attn_ratio 4, on a 7x7 grid. In the 14x14 stage a
 * depthwise stride-2 {@code stride_conv} first brings the input to 7x7 and the result is upsampled x2 (bilinear)
 * afterwards. Talking heads mix the 8 heads' logits before and after the softmax; a depthwise {@code v_local} branch
 * is added to the attention output; GELU then {@code proj}. The block's layer scale is folded into {@code proj}.
 */
final class Attention2d {
    static final int KEY_DIM = 32;
    static final int HEADS = 8;
    static final int VALUE_DIM = 4 * KEY_DIM;
    static final int RESOLUTION = 7;

    private Attention2d() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int dim, int stride, String gammaKey) {
        if (stride > 1) {
            x = net.conv(x, convNorm(prefix + ".stride_conv", dim).kernelSize(3).stride(stride).padding(1).depthwise());
        }
        int h = NetBuilder.dim(x, 1);
        int w = NetBuilder.dim(x, 2);
        int n = h * w;
        Operand<TFloat32> q = AttentionCore.toHeads(net, net.conv(x, convNorm(prefix + ".q", HEADS * KEY_DIM)), HEADS);
        Operand<TFloat32> k = AttentionCore.toHeads(net, net.conv(x, convNorm(prefix + ".k", HEADS * KEY_DIM)), HEADS);
        Operand<TFloat32> v = net.conv(x, convNorm(prefix + ".v", HEADS * VALUE_DIM));
        Operand<TFloat32> vLocal = net.conv(v, convNorm(prefix + ".v_local", HEADS * VALUE_DIM).kernelSize(3).padding(1).depthwise());

        Operand<TFloat32> bias = AttentionCore.attentionBias(net, prefix + ".attention_biases", HEADS, RESOLUTION * RESOLUTION,
                AttentionCore.relativeIndex(RESOLUTION, 1));
        Operand<TFloat32> out = AttentionCore.fromHeads(net, AttentionCore.attend(net, prefix, q, k, AttentionCore.toHeads(net, v, HEADS), bias,
                logits -> talkingHead(net, logits, prefix + ".talking_head1", n),
                attn -> talkingHead(net, attn, prefix + ".talking_head2", n)), h, w);
        out = net.addToDepthwise(vLocal, out);
        if (stride > 1) {
            out = net.upsample2x(out);
        }
        return net.conv(net.geluStandalone(out), convNorm(prefix + ".proj", dim).layerScale(gammaKey));
    }

    /** A 1x1 convolution across the head axis of [B, heads, N, N] logits: a matrix product with a [heads, heads] weight. */
    private static Operand<TFloat32> talkingHead(NetBuilder net, Operand<TFloat32> attn, String key, int n) {
        Ops tf = net.tf().withSubScope(key);
        float[] weight = net.weights().param(key + ".weight", HEADS, HEADS, 1, 1);
        float[] bias = net.weights().param(key + ".bias", HEADS);
        Operand<TFloat32> flat = tf.reshape(attn, tf.constant(new int[] {-1, HEADS, n * n}));
        net.weights().countMacs((long) HEADS * HEADS * n * n);
        Operand<TFloat32> mixed = tf.train.batchMatMul(NetBuilder.constant(tf, Shape.of(HEADS, HEADS), weight), flat, TFloat32.class);
        mixed = tf.math.add(mixed, NetBuilder.constant(tf, Shape.of(HEADS, 1), bias));
        return tf.reshape(mixed, tf.constant(new int[] {-1, HEADS, n, n}));
    }
}
