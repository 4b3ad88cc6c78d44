package io.framewise.inference.efficientformer;

/**
 * Inference-time folding: an affine map (BatchNorm, layer scale, or both) that directly follows a convolution or a
 * linear layer is multiplied into its weights and bias, so that {@code gamma * BN(W x + b)} becomes one
 * {@code W' x + b'}. PyTorch layout throughout: output channel first.
 */
final class Folding {
    private Folding() {
    }

    /**
     * The weights {@code w} ({@code out} rows of any length) and bias {@code b} of a layer followed by {@code after}.
     *
     * @return {weights, bias}, new arrays
     */
    static float[][] into(float[] w, float[] b, int out, Affine after) {
        int perOut = w.length / out;
        float[] folded = w.clone();
        float[] bias = b.clone();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < perOut; i++) {
                folded[o * perOut + i] *= after.scale()[o];
            }
            bias[o] = bias[o] * after.scale()[o] + after.shift()[o];
        }
        return new float[][] {folded, bias};
    }
}
