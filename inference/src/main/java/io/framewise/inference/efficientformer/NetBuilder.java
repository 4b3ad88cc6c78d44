package io.framewise.inference.efficientformer;

import java.util.List;

import io.framewise.inference.efficientformer.weights.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The layers EfficientFormer is made of, as TF operations on NHWC tensors, each in a graph scope named after its
 * timm key (a SavedModel's nodes read {@code stages.2.blocks.3.mlp.fc1/Conv2D}), with weights taken from
 * {@link CountingWeights} and converted from PyTorch's layout ({@link TorchLayout}).
 *
 * <p>With {@code fold} set, inference-time BatchNorm and layer scales are folded into the layer before them
 * ({@link Folding}). Without it the same network is built op by op, for checking the folding.
 */
public final class NetBuilder {
    private final Ops tf;
    private final CountingWeights weights;
    private final boolean fold;

    public NetBuilder(Ops tf, WeightSource weights, boolean fold) {
        this.tf = tf;
        this.weights = new CountingWeights(weights);
        this.fold = fold;
    }

    public Ops tf() {
        return tf;
    }

    /** The weights, and the parameters and MACs counted as they are taken. */
    public CountingWeights weights() {
        return weights;
    }

    public boolean folding() {
        return fold;
    }

    /** A float constant in {@code scope} (a sub-scope named after a timm key), without copying {@code values}. */
    public static Operand<TFloat32> constant(Ops scope, Shape shape, float[] values) {
        return scope.constant(shape, DataBuffers.of(values, true, false));
    }

    private Operand<TFloat32> scalar(float v) {
        return tf.constant(v);
    }

    /** Elements of one sample (all axes but the batch axis). */
    public static long elementsPerSample(Operand<?> x) {
        long n = 1;
        for (int axis = 1; axis < x.shape().numDimensions(); axis++) {
            n *= dim(x, axis);
        }
        return n;
    }

    public static int dim(Operand<?> x, int axis) {
        long d = x.shape().get(axis);
        if (d < 0) {
            throw new IllegalStateException("dimension " + axis + " of " + x.shape() + " is not static");
        }
        return (int) d;
    }

    /** BatchNorm {@code key} at inference, as an affine map still to apply or fold; 2 MACs per input element. */
    public Affine batchNorm(String key, int channels, long elements) {
        return Affine.batchNorm(weights, key, channels, elements);
    }

    public Operand<TFloat32> applyAffine(Operand<TFloat32> x, Affine a) {
        return applyAffine(tf, x, a);
    }

    private static Operand<TFloat32> applyAffine(Ops t, Operand<TFloat32> x, Affine a) {
        int c = a.scale().length;
        return t.math.add(t.math.mul(x, constant(t, Shape.of(c), a.scale())), constant(t, Shape.of(c), a.shift()));
    }

    /** A layer scale {@code key} of {@code channels} (timm's {@code ls.gamma}) applied on its own. */
    public Operand<TFloat32> layerScale(Operand<TFloat32> x, String key, int channels) {
        Ops t = tf.withSubScope(key);
        return t.math.mul(x, constant(t, Shape.of(channels), weights.param(key, channels)));
    }

    /**
     * A convolution (+ bias), with the BatchNorm and layer scale its spec names after it (folded into it when
     * folding). Its operations are named after its weights (the graph's nodes read {@code stages.2.blocks.3.mlp.fc1/...}),
     * so that a SavedModel can be read against timm's modules.
     */
    public Operand<TFloat32> conv(Operand<TFloat32> x, Conv spec) {
        Ops t = tf.withSubScope(spec.key());
        int in = dim(x, 3);
        int out = spec.out();
        int kernel = spec.kernelSize();
        long[] torchShape = spec.isDepthwise() ? new long[] {out, 1, kernel, kernel} : new long[] {out, in, kernel, kernel};
        float[] w = weights.param(spec.key() + ".weight", torchShape);
        float[] b = weights.param(spec.key() + ".bias", out);
        long outputElements = (long) spec.outputSize(dim(x, 1)) * spec.outputSize(dim(x, 2)) * out;
        Affine post = spec.normKey() == null ? null : batchNorm(spec.normKey(), out, outputElements);
        float[] gamma = spec.layerScaleKey() == null ? null : weights.param(spec.layerScaleKey(), out);
        if (gamma != null) {
            post = (post == null ? Affine.identity(out) : post).then(gamma);
        }
        if (fold && post != null) {
            float[][] folded = Folding.into(w, b, out, post);
            w = folded[0];
            b = folded[1];
            post = null;
        }
        int padding = spec.padding();
        Operand<TFloat32> input = padding > 0
                ? t.pad(x, t.constant(new int[][] {{0, 0}, {padding, padding}, {padding, padding}, {0, 0}}), t.constant(0f))
                : x;
        List<Long> strides = List.of(1L, (long) spec.stride(), (long) spec.stride(), 1L);
        Operand<TFloat32> y;
        if (spec.isDepthwise()) {
            y = t.nn.depthwiseConv2dNative(input, t.constant(Shape.of(kernel, kernel, out, 1),
                    DataBuffers.of(TorchLayout.depthwiseToHwc1(w, out, kernel), true, false)), strides, "VALID");
        } else {
            y = t.nn.conv2d(input, t.constant(Shape.of(kernel, kernel, in, out),
                    DataBuffers.of(TorchLayout.oihwToHwio(w, out, in, kernel), true, false)), strides, "VALID");
        }
        y = t.nn.biasAdd(y, constant(t, Shape.of(out), b));
        weights.countMacs((long) dim(y, 1) * dim(y, 2) * out * (spec.isDepthwise() ? 1 : in) * kernel * kernel);
        return post == null ? y : applyAffine(t, y, post);
    }

    /**
     * Linear layer {@code key} over the last axis of a [B, N, C] tensor (or [B, C]), with an optional layer scale
     * after it (folded into it when folding).
     */
    public Operand<TFloat32> linear(Operand<TFloat32> x, String key, int out, String gammaKey) {
        Ops t = tf.withSubScope(key);
        int rank = x.shape().numDimensions();
        int in = dim(x, rank - 1);
        float[] w = weights.param(key + ".weight", out, in);
        float[] b = weights.param(key + ".bias", out);
        float[] gamma = gammaKey == null ? null : weights.param(gammaKey, out);
        if (fold && gamma != null) {
            float[][] folded = Folding.into(w, b, out, Affine.identity(out).then(gamma));
            w = folded[0];
            b = folded[1];
            gamma = null;
        }
        Operand<TFloat32> y = t.nn.biasAdd(matmulLastAxis(t, x, TorchLayout.transpose2d(w, out, in), in, out),
                constant(t, Shape.of(out), b));
        weights.countMacs((rank == 3 ? dim(x, 1) : 1L) * in * out);
        return gamma == null ? y : t.math.mul(y, constant(t, Shape.of(out), gamma));
    }

    /** {@code x} times a constant [in, out] matrix over its last axis, in {@code t}'s scope. */
    public static Operand<TFloat32> matmulLastAxis(Ops t, Operand<TFloat32> x, float[] inOut, int in, int out) {
        Operand<TFloat32> w = constant(t, Shape.of(in, out), inOut);
        if (x.shape().numDimensions() == 2) {
            return t.linalg.matMul(x, w);
        }
        int n = dim(x, 1);
        Operand<TFloat32> flat = t.reshape(x, t.constant(new int[] {-1, in}));
        return t.reshape(t.linalg.matMul(flat, w), t.constant(new int[] {-1, n, out}));
    }

    /** LayerNorm over the last axis (biased variance, eps 1e-5, as PyTorch). */
    public Operand<TFloat32> layerNorm(Operand<TFloat32> x, String key) {
        Ops t = tf.withSubScope(key);
        int c = dim(x, x.shape().numDimensions() - 1);
        float[] w = weights.param(key + ".weight", c);
        float[] b = weights.param(key + ".bias", c);
        weights.countMacs(5 * elementsPerSample(x));
        Operand<TInt32> last = t.constant(new int[] {-1});
        Operand<TFloat32> mean = t.math.mean(x, last, Mean.keepDims(true));
        Operand<TFloat32> centered = t.math.sub(x, mean);
        Operand<TFloat32> var = t.math.mean(t.math.square(centered), last, Mean.keepDims(true));
        Operand<TFloat32> normed = t.math.mul(centered, t.math.rsqrt(t.math.add(var, t.constant(Affine.NORM_EPS))));
        return t.math.add(t.math.mul(normed, constant(t, Shape.of(c), w)), constant(t, Shape.of(c), b));
    }

    /** Exact GELU: x/2 (1 + erf(x / sqrt 2)), as torch.nn.GELU() without approximation. */
    public Operand<TFloat32> gelu(Operand<TFloat32> x) {
        Operand<TFloat32> erf = tf.math.erf(tf.math.mul(x, scalar((float) (1 / Math.sqrt(2)))));
        return tf.math.mul(tf.math.mul(x, scalar(0.5f)), tf.math.add(erf, scalar(1f)));
    }

    /**
     * Exact GELU of a tensor that is not the output of a convolution or matrix product, written x/2 erfc(-x / sqrt 2).
     * TF's oneDNN remapper recognises the erf form and fuses it into the contraction before it; with no contraction
     * there it emits an empty op and gives up on the whole graph's rewrites. The erfc form is the same function.
     */
    public Operand<TFloat32> geluStandalone(Operand<TFloat32> x) {
        Operand<TFloat32> erfc = tf.math.erfc(tf.math.mul(x, scalar((float) (-1 / Math.sqrt(2)))));
        return tf.math.mul(tf.math.mul(x, scalar(0.5f)), erfc);
    }

    /**
     * Sum with the output of a depthwise convolution, as {@code other - (-depthwise)} (exact in floating point).
     * TF's oneDNN remapper fuses DepthwiseConv2dNative + BiasAdd + Add (or AddN) into an op this TF build lacks, and
     * then abandons every rewrite of the whole graph; a Sub is not matched. The tensors here are small (7x7).
     */
    public Operand<TFloat32> addToDepthwise(Operand<TFloat32> depthwiseOutput, Operand<TFloat32> other) {
        return tf.math.sub(other, tf.math.neg(depthwiseOutput));
    }

    public Operand<TFloat32> relu(Operand<TFloat32> x) {
        return tf.nn.relu(x);
    }

    /** 3x3 average pooling, stride 1, that leaves padding out of the average (count_include_pad=False). */
    public Operand<TFloat32> avgPool3x3(Operand<TFloat32> x) {
        return tf.nn.avgPool(x, List.of(1L, 3L, 3L, 1L), List.of(1L, 1L, 1L, 1L), "SAME");
    }

    /** Bilinear x2 upsampling with PyTorch's align_corners=False sampling (half-pixel centres). */
    public Operand<TFloat32> upsample2x(Operand<TFloat32> x) {
        Operand<TInt32> size = tf.constant(new int[] {dim(x, 1) * 2, dim(x, 2) * 2});
        weights.countMacs(4L * dim(x, 1) * 2 * dim(x, 2) * 2 * dim(x, 3));
        return tf.image.resizeBilinear(x, size, ResizeBilinear.alignCorners(false), ResizeBilinear.halfPixelCenters(true));
    }
}
