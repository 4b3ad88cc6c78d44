package io.framewise.inference.efficientformer;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code head} and {@code head_dist}, two Linear(C, classes) layers whose outputs are averaged at inference. Folded,
 * the average is one layer with the averaged weights, and an affine map before it (V2's BatchNorm, applied before the
 * spatial mean, which commutes with it) is folded in as well. A checkpoint trained without distillation has no
 * {@code head_dist}; its {@code head} alone is the classifier.
 */
public final class DistilledHead {
    private DistilledHead() {
    }

    /**
     * @param pooled [B, C] features
     * @param before per-channel affine map still to apply to {@code pooled}, or null
     */
    public static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> pooled, Affine before, int classes) {
        int c = NetBuilder.dim(pooled, 1);
        float[] w1 = net.weights().param("head.weight", classes, c);
        float[] b1 = net.weights().param("head.bias", classes);
        boolean distilled = net.weights().has("head_dist.weight");
        float[] w2 = distilled ? net.weights().param("head_dist.weight", classes, c) : w1;
        float[] b2 = distilled ? net.weights().param("head_dist.bias", classes) : b1;
        net.weights().countMacs((distilled ? 2L : 1L) * c * classes);
        Ops tf = net.tf().withSubScope("head");
        if (!net.folding()) {
            Operand<TFloat32> x = before == null ? pooled : net.applyAffine(pooled, before);
            Operand<TFloat32> y1 = tf.math.add(NetBuilder.matmulLastAxis(tf, x, TorchLayout.transpose2d(w1, classes, c), c, classes),
                    NetBuilder.constant(tf, Shape.of(classes), b1));
            Operand<TFloat32> y2 = tf.math.add(NetBuilder.matmulLastAxis(tf, x, TorchLayout.transpose2d(w2, classes, c), c, classes),
                    NetBuilder.constant(tf, Shape.of(classes), b2));
            return tf.math.mul(tf.math.add(y1, y2), tf.constant(0.5f));
        }
        float[] w = new float[w1.length];
        float[] b = new float[classes];
        for (int o = 0; o < classes; o++) {
            double bias = (b1[o] + b2[o]) / 2.0;
            for (int i = 0; i < c; i++) {
                double wi = (w1[o * c + i] + w2[o * c + i]) / 2.0;
                if (before != null) {
                    bias += wi * before.shift()[i];
                    wi *= before.scale()[i];
                }
                w[o * c + i] = (float) wi;
            }
            b[o] = (float) bias;
        }
        return tf.math.add(NetBuilder.matmulLastAxis(tf, pooled, TorchLayout.transpose2d(w, classes, c), c, classes),
                NetBuilder.constant(tf, Shape.of(classes), b));
    }
}
