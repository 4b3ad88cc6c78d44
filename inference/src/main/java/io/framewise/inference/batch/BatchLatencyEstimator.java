package io.framewise.inference.batch;

import java.util.Arrays;

/**
 * Running estimate of how long a batch of each size takes: an exponentially weighted mean per size, seeded by the
 * warm-up. A size never seen is interpolated linearly between the nearest sizes seen (or extrapolated per image).
 */
public final class BatchLatencyEstimator {
    private static final double ALPHA = 0.2;
    private final double[] nanos;

    public BatchLatencyEstimator(int maxBatch) {
        this.nanos = new double[maxBatch + 1];
        Arrays.fill(nanos, Double.NaN);
    }

    public synchronized void record(int batchSize, long elapsedNanos) {
        double previous = nanos[batchSize];
        nanos[batchSize] = Double.isNaN(previous) ? elapsedNanos : previous + ALPHA * (elapsedNanos - previous);
    }

    /** Estimated nanoseconds for a batch of {@code size}; 0 when nothing has been measured yet. */
    public synchronized long estimate(int size) {
        int n = Math.max(1, Math.min(size, nanos.length - 1));
        if (!Double.isNaN(nanos[n])) {
            return (long) nanos[n];
        }
        int below = n - 1;
        while (below >= 1 && Double.isNaN(nanos[below])) {
            below--;
        }
        int above = n + 1;
        while (above < nanos.length && Double.isNaN(nanos[above])) {
            above++;
        }
        boolean hasBelow = below >= 1;
        boolean hasAbove = above < nanos.length;
        if (hasBelow && hasAbove) {
            return (long) (nanos[below] + (nanos[above] - nanos[below]) * (n - below) / (double) (above - below));
        }
        if (hasBelow) {
            return (long) (nanos[below] * n / below);
        }
        if (hasAbove) {
            return (long) (nanos[above] * n / above);
        }
        return 0;
    }
}
