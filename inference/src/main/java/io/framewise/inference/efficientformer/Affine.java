package io.framewise.inference.efficientformer;

import java.util.Arrays;

/**
 * A per-channel affine map {@code y = x * scale + shift}: what an inference-time BatchNorm is, and what a layer scale
 * after it multiplies into; the form in which both are folded into the layer before them ({@link Folding}).
 */
public record Affine(float[] scale, float[] shift) {
    /** The epsilon of every normalisation in EfficientFormer (timm's BatchNorm2d and LayerNorm defaults). */
    static final float NORM_EPS = 1e-5f;

    public static Affine identity(int channels) {
        float[] one = new float[channels];
        Arrays.fill(one, 1f);
        return new Affine(one, new float[channels]);
    }

    /**
     * BatchNorm {@code key} of {@code channels} at inference (scale = gamma / sqrt(var + eps), shift = beta - mean *
     * scale), counting 2 MACs per element of its {@code elements}-sized input.
     */
    public static Affine batchNorm(CountingWeights weights, String key, int channels, long elements) {
        weights.countMacs(2 * elements);
        float[] gamma = weights.param(key + ".weight", channels);
        float[] beta = weights.param(key + ".bias", channels);
        float[] mean = weights.buffer(key + ".running_mean", channels);
        float[] var = weights.buffer(key + ".running_var", channels);
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = gamma[c] / Math.sqrt((double) var[c] + NORM_EPS);
            scale[c] = (float) s;
            shift[c] = (float) (beta[c] - mean[c] * s);
        }
        return new Affine(scale, shift);
    }

    /** This map followed by a layer scale {@code gamma} (timm's {@code ls.gamma}). */
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
