package io.framewise.inference.batch;

import java.util.function.LongSupplier;

/**
 * How long a batch of each size takes: per size, the 90th percentile of the batches of the last
 * {@value #HORIZON_SECONDS} s ({@link LatencyWindow}), with the warm-up's measurement as the prior it returns to when
 * no batch of that size has run lately. A size without either is interpolated linearly between the nearest sizes that
 * have one (or extrapolated per image).
 *
 * <p>The 90th percentile, not the mean: the estimate decides whether a frame can still make its deadline, and on a
 * shared CPU a batch's latency has a long tail. A short memory (16 batches, 3 s): a burst of slow batches (the JIT
 * compiling at start, a neighbour's load) must stop gating frames soon after it ends, and a size that stopped running
 * because it was gated away returns to its warm-up measurement within seconds.
 */
public final class BatchLatencyEstimator {
    static final int HORIZON_SECONDS = 3;
    static final double QUANTILE = 0.9;
    private final LatencyWindow[] bySize;
    private final LongSupplier nanoTime;

    public BatchLatencyEstimator(int maxBatch, LongSupplier nanoTime) {
        this.bySize = new LatencyWindow[maxBatch + 1];
        for (int i = 1; i <= maxBatch; i++) {
            bySize[i] = new LatencyWindow(HORIZON_SECONDS * 1_000_000_000L, 16, 3);
        }
        this.nanoTime = nanoTime;
    }

    public int maxBatch() {
        return bySize.length - 1;
    }

    /** A batch of {@code batchSize} took {@code elapsedNanos}, ending now. */
    public void record(int batchSize, long elapsedNanos) {
        bySize[clamp(batchSize)].record(nanoTime.getAsLong(), elapsedNanos);
    }

    /** The measured default of a size (from warm-up), which the estimate returns to when no batch of it ran lately. */
    public void prior(int batchSize, long nanos) {
        bySize[clamp(batchSize)].prior(nanos);
    }

    /** Estimated nanoseconds for a batch of {@code size}; 0 when nothing has been measured yet. */
    public long estimate(int size) {
        long now = nanoTime.getAsLong();
        int n = clamp(size);
        long own = bySize[n].quantile(QUANTILE, now);
        if (own > 0) {
            return own;
        }
        int below = n - 1;
        long belowValue = 0;
        while (below >= 1 && (belowValue = bySize[below].quantile(QUANTILE, now)) == 0) {
            below--;
        }
        int above = n + 1;
        long aboveValue = 0;
        while (above < bySize.length && (aboveValue = bySize[above].quantile(QUANTILE, now)) == 0) {
            above++;
        }
        boolean hasBelow = below >= 1;
        boolean hasAbove = above < bySize.length;
        if (hasBelow && hasAbove) {
            return (long) (belowValue + (aboveValue - belowValue) * (n - below) / (double) (above - below));
        }
        if (hasBelow) {
            return belowValue * n / below;
        }
        if (hasAbove) {
            return aboveValue * n / above;
        }
        return 0;
    }

    private int clamp(int size) {
        return Math.max(1, Math.min(size, bySize.length - 1));
    }
}
