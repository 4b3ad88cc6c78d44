package io.framewise.inference.efficientformer.weights;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random initialisation from a seed, as timm initialises the networks: truncated-normal weights (std 0.02) for
 * matrices and kernels, zero biases, BatchNorm at identity, layer scales at 1e-5. Each tensor draws from its own
 * stream derived from the seed and its key, so a tensor's values do not depend on the order of construction.
 */
public final class SeededWeights implements WeightSource {
    private final long seed;

    public SeededWeights(long seed) {
        this.seed = seed;
    }

    @Override
    public float[] tensor(String key, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] out = new float[(int) n];
        if (key.endsWith("running_var")) {
            Arrays.fill(out, 1f);
        } else if (key.endsWith(".gamma")) {
            Arrays.fill(out, 1e-5f);
        } else if (shape.length >= 2 || key.endsWith("attention_biases")) {
            SplittableRandom random = new SplittableRandom(seed ^ key.hashCode() * 0x9E3779B97F4A7C15L);
            for (int i = 0; i < n; i++) {
                double v;
                do {
                    v = random.nextGaussian();
                } while (Math.abs(v) > 2);
                out[i] = (float) (0.02 * v);
            }
        } else if (key.endsWith(".weight")) {
            Arrays.fill(out, 1f);
        }
        return out;
    }

    @Override
    public String describe() {
        return "seeded-random(seed=" + seed + ")";
    }
}
