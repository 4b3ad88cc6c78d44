package io.framewise.inference.batch;

/**
 * When an image queued now would have its answer, from the engine's state: the rest of the running batch, the full
 * batches ahead of it (full: {@link BatchLatencyEstimator#batchLimit()}, the largest the engine forms), and the
 * batch it would join: while a batch runs, the next one fills up behind the image, so
 * it is taken at the size recent batches have had; an idle engine runs the image with those ahead of it at once.
 *
 * <p>A pure function: the engine applies it in real time, the controller simulation in virtual time.
 */
public final class CompletionForecast {
    private CompletionForecast() {
    }

    /**
     * @param atNanos            when the image would be queued
     * @param queued             images that will be ahead of it, not yet started
     * @param runningSize        size of the batch running now (0: none)
     * @param runningSinceNanos  when that batch started
     * @param recentBatchSize    moving average of recent batch sizes
     */
    public static long completionNanos(long atNanos, int queued, int runningSize, long runningSinceNanos,
                                       double recentBatchSize, BatchLatencyEstimator estimator) {
        int full = estimator.batchLimit(); // the size queued images are taken at
        long remainingOfRunning = runningSize > 0
                ? Math.max(0, runningSinceNanos + estimator.estimate(runningSize) - atNanos) : 0;
        int batchesAhead = queued / full;
        // An idle engine runs what is there (after at most maxWait): the image's own batch is the images ahead of it.
        // A busy one fills the next batch while the current one runs: it will be about as large as recent ones.
        int ahead = queued % full + 1;
        int ownBatch = runningSize == 0 ? ahead : Math.min(full, Math.max(ahead, (int) Math.round(recentBatchSize)));
        return atNanos + remainingOfRunning + batchesAhead * estimator.estimate(full) + estimator.estimate(ownBatch);
    }

    /**
     * As above for an engine of several instances that run batches side by side (one lane each): the full batches
     * ahead go to whichever lane frees first, then the image's own batch does. With one lane this is the formula above.
     *
     * @param runningSizes      per lane, the size of the batch running on it (0: free)
     * @param runningSinceNanos per lane, when that batch started
     */
    public static long completionNanos(long atNanos, int queued, int[] runningSizes, long[] runningSinceNanos,
                                       double recentBatchSize, BatchLatencyEstimator estimator) {
        int lanes = runningSizes.length;
        if (lanes == 1) {
            return completionNanos(atNanos, queued, runningSizes[0], runningSinceNanos[0], recentBatchSize, estimator);
        }
        int fullSize = estimator.batchLimit();
        long[] free = new long[lanes];
        boolean anyFree = false;
        for (int i = 0; i < lanes; i++) {
            int size = runningSizes[i];
            free[i] = size > 0 ? Math.max(atNanos, runningSinceNanos[i] + estimator.estimate(size)) : atNanos;
            anyFree |= size == 0;
        }
        long full = estimator.estimate(fullSize);
        for (int b = queued / fullSize; b > 0; b--) {
            free[earliest(free)] += full;
        }
        int ahead = queued % fullSize + 1;
        int ownBatch = anyFree ? ahead : Math.min(fullSize, Math.max(ahead, (int) Math.round(recentBatchSize)));
        return free[earliest(free)] + estimator.estimate(ownBatch);
    }

    private static int earliest(long[] free) {
        int best = 0;
        for (int i = 1; i < free.length; i++) {
            if (free[i] < free[best]) {
                best = i;
            }
        }
        return best;
    }
}
