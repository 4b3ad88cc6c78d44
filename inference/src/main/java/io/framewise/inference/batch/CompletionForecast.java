package io.framewise.inference.batch;

/**
 * When an image queued now would have its answer, from the engine's state: the rest of the running batch, the full
 * batches ahead of it, and the batch it would join, at the size recent batches have had (under load the batch it
 * joins fills up behind it, so its own batch is a full one, not a batch of the images ahead of it).
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
        int maxBatch = estimator.maxBatch();
        long remainingOfRunning = runningSize > 0
                ? Math.max(0, runningSinceNanos + estimator.estimate(runningSize) - atNanos) : 0;
        int batchesAhead = queued / maxBatch;
        int ownBatch = Math.min(maxBatch, Math.max(queued % maxBatch + 1, (int) Math.round(recentBatchSize)));
        return atNanos + remainingOfRunning + batchesAhead * estimator.estimate(maxBatch) + estimator.estimate(ownBatch);
    }
}
