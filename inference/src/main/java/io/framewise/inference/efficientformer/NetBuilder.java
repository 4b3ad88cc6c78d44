package io.framewise.inference.efficientformer;

import java.util.Arrays;
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
 * The layers EfficientFormer is made of, as TF operations on NHWC tensors, with weights taken by their timm key from
 * a {@link WeightSource} and converted from PyTorch's layout.
 *
 * <p>With {@code fold} set, inference-time BatchNorm is folded into the convolution or linear layer before it, and a
 * layer scale that directly follows a layer is folded into it too: {@code gamma * BN(W x + b)} becomes one
 * {@code W' x + b'}. Without it the same network is built op by op, for checking the folding.
 *
 * <p>Counts parameters (every requested tensor except BatchNorm running statistics) and multiply-accumulates the way
 * the reference table does (fvcore, as timm's benchmark): one per MAC of convolutions, linear layers and attention
 * products, plus 2 per element of an inference BatchNorm, 5 per element of a LayerNorm and 4 per output element of a
 * bilinear upsampling. Folding does not change the count: it describes the network, not this graph.
 */
public final class NetBuilder {
    static final float NORM_EPS = 1e-5f;

    private final Ops tf;
    private final WeightSource weights;
    private final boolean fold;
    private long parameters;
    private long macs;

    public NetBuilder(Ops tf, WeightSource weights, boolean fold) {
        this.tf = tf;
        this.weights = weights;
        this.fold = fold;
    }

    public Ops tf() {
        return tf;
    }

    public boolean folding() {
        return fold;
    }

    public long parameters() {
        return parameters;
    }

    public long macs() {
        return macs;
    }

    /** A trainable tensor (counted as parameters). */
    public float[] param(String key, long... shape) {
        float[] v = weights.tensor(key, shape);
        parameters += v.length;
        return v;
    }

    public boolean has(String key) {
        return weights.has(key);
    }

    /** A buffer such as BatchNorm running statistics (not parameters). */
    public float[] buffer(String key, long... shape) {
        return weights.tensor(key, shape);
    }

    public void countMacs(long n) {
        macs += n;
    }

    public Operand<TFloat32> constant(Shape shape, float[] values) {
        return tf.constant(shape, DataBuffers.of(values, true, false));
    }

    public Operand<TFloat32> scalar(float v) {
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

    /** BatchNorm at inference as a per-channel affine map: y = x * scale + shift. */
    public record Affine(float[] scale, float[] shift) {
        public static Affine identity(int channels) {
            float[] one = new float[channels];
            Arrays.fill(one, 1f);
            return new Affine(one, new float[channels]);
        }

        public Affine then(float[] gamma) {
            float[] s = scale.clone();
            float[] t = shift.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] *= gamma[i];
                t[i] *= gamma[i];
            }
            return new Affine(s, t);
        }
    }

    /** BatchNorm {@code key} of {@code channels} as an affine map (scale = gamma / sqrt(var + eps)). */
    public Affine batchNorm(String key, int channels) {
        return batchNorm(key, channels, 0);
    }

    /** As {@link #batchNorm(String, int)}, counting 2 MACs per element of its {@code elements}-sized input. */
    public Affine batchNorm(String key, int channels, long elements) {
        countMacs(2 * elements);
        float[] gamma = param(key + ".weight", channels);
        float[] beta = param(key + ".bias", channels);
        float[] mean = buffer(key + ".running_mean", channels);
        float[] var = buffer(key + ".running_var", channels);
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = gamma[c] / Math.sqrt((double) var[c] + NORM_EPS);
            scale[c] = (float) s;
            shift[c] = (float) (beta[c] - mean[c] * s);
        }
        return new Affine(scale, shift);
    }

    public Operand<TFloat32> applyAffine(Operand<TFloat32> x, Affine a) {
        int c = a.scale().length;
        return tf.math.add(tf.math.mul(x, constant(Shape.of(c), a.scale())), constant(Shape.of(c), a.shift()));
    }

    public Operand<TFloat32> mulChannels(Operand<TFloat32> x, float[] gamma) {
        return tf.math.mul(x, constant(Shape.of(gamma.length), gamma));
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
        float[] w = param(spec.key() + ".weight", torchShape);
        float[] b = param(spec.key() + ".bias", out);
        long outputElements = (long) spec.outputSize(dim(x, 1)) * spec.outputSize(dim(x, 2)) * out;
        Affine post = spec.normKey() == null ? null : batchNorm(spec.normKey(), out, outputElements);
        float[] gamma = spec.layerScaleKey() == null ? null : param(spec.layerScaleKey(), out);
        if (post != null && gamma != null) {
            post = post.then(gamma);
        } else if (gamma != null) {
            post = Affine.identity(out).then(gamma);
        }
        if (fold && post != null) {
            int perOut = w.length / out;
            w = w.clone();
            b = b.clone();
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < perOut; i++) {
                    w[o * perOut + i] *= post.scale()[o];
                }
                b[o] = b[o] * post.scale()[o] + post.shift()[o];
            }
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
        y = t.nn.biasAdd(y, t.constant(Shape.of(out), DataBuffers.of(b, true, false)));
        countMacs((long) dim(y, 1) * dim(y, 2) * out * (spec.isDepthwise() ? 1 : in) * kernel * kernel);
        return post == null ? y : applyAffine(y, post);
    }

    /** Linear layer over the last axis of a [B, N, C] tensor (or [B, C]), with an optional layer scale after it. */
    public Operand<TFloat32> linear(Operand<TFloat32> x, String key, int out, String gammaKey) {
        int rank = x.shape().numDimensions();
        int in = dim(x, rank - 1);
        float[] w = param(key + ".weight", out, in);
        float[] b = param(key + ".bias", out);
        float[] gamma = gammaKey == null ? null : param(gammaKey, out);
        if (fold && gamma != null) {
            w = w.clone();
            b = b.clone();
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    w[o * in + i] *= gamma[o];
                }
                b[o] *= gamma[o];
            }
            gamma = null;
        }
        Operand<TFloat32> y = tf.nn.biasAdd(matmulLastAxis(x, TorchLayout.transpose2d(w, out, in), in, out), constant(Shape.of(out), b));
        countMacs((rank == 3 ? dim(x, 1) : 1L) * in * out);
        return gamma == null ? y : mulChannels(y, gamma);
    }

    public Operand<TFloat32> matmulLastAxis(Operand<TFloat32> x, float[] inOut, int in, int out) {
        Operand<TFloat32> w = constant(Shape.of(in, out), inOut);
        if (x.shape().numDimensions() == 2) {
            return tf.linalg.matMul(x, w);
        }
        int n = dim(x, 1);
        Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, in}));
        return tf.reshape(tf.linalg.matMul(flat, w), tf.constant(new int[] {-1, n, out}));
    }

    /** LayerNorm over the last axis (biased variance, eps 1e-5, as PyTorch). */
    public Operand<TFloat32> layerNorm(Operand<TFloat32> x, String key) {
        int c = dim(x, x.shape().numDimensions() - 1);
        float[] w = param(key + ".weight", c);
        float[] b = param(key + ".bias", c);
        countMacs(5 * elementsPerSample(x));
        Operand<TInt32> last = tf.constant(new int[] {-1});
        Operand<TFloat32> mean = tf.math.mean(x, last, Mean.keepDims(true));
        Operand<TFloat32> centered = tf.math.sub(x, mean);
        Operand<TFloat32> var = tf.math.mean(tf.math.square(centered), last, Mean.keepDims(true));
        Operand<TFloat32> normed = tf.math.mul(centered, tf.math.rsqrt(tf.math.add(var, scalar(NORM_EPS))));
        return tf.math.add(tf.math.mul(normed, constant(Shape.of(c), w)), constant(Shape.of(c), b));
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
        countMacs(4L * dim(x, 1) * 2 * dim(x, 2) * 2 * dim(x, 3));
        return tf.image.resizeBilinear(x, size, ResizeBilinear.alignCorners(false), ResizeBilinear.halfPixelCenters(true));
    }

    public Operand<TFloat32> batchMatMul(Operand<TFloat32> a, Operand<TFloat32> b, long macCount) {
        countMacs(macCount);
        return tf.train.batchMatMul(a, b, TFloat32.class);
    }




}
