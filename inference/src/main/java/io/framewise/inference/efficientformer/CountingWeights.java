package io.framewise.inference.efficientformer;

import io.framewise.inference.efficientformer.weights.WeightSource;

/**
 * The weights a network is built from, taken by their timm key, and its size as the reference table counts it:
 * parameters (every requested tensor except BatchNorm running statistics) and multiply-accumulates the way fvcore
 * does for timm's benchmark (one per MAC of convolutions, linear layers and attention products, plus 2 per element
 * of an inference BatchNorm, 5 per element of a LayerNorm and 4 per output element of a bilinear upsampling).
 * Folding does not change the count: it describes the network, not the graph built.
 */
public final class CountingWeights {
    private final WeightSource source;
    private long parameters;
    private long macs;

    public CountingWeights(WeightSource source) {
        this.source = source;
    }

    /** A trainable tensor (counted as parameters). */
    public float[] param(String key, long... shape) {
        float[] v = source.tensor(key, shape);
        parameters += v.length;
        return v;
    }

    /** A buffer such as BatchNorm running statistics (not parameters). */
    public float[] buffer(String key, long... shape) {
        return source.tensor(key, shape);
    }

    public boolean has(String key) {
        return source.has(key);
    }

    public void countMacs(long n) {
        macs += n;
    }

    public long parameters() {
        return parameters;
    }

    public long macs() {
        return macs;
    }
}
