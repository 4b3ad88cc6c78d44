package io.framewise.inference.batch;

/**
 * Whether batches larger than warm-up's efficient size pay on the machine as it is now, measured live while it runs
 * slower than warm-up measured. A slower machine can change the shape or not: a neighbour short of memory bandwidth
 * makes every image stream the weights again, which a larger batch shares (measured on 2 cores: the model alone ran
 * 28% more images a second at batch 8 than at 1 in such a run); the model's own lanes saturating the cores, with the
 * stream threads and the broker beside them, slow every size alike, and larger batches then only add latency (the
 * 1000 ms sweep at 1x: batches grew to 5.7 where 1 runs more images a second, and goodput fell to 0.70 of the
 * model's). The slowdown cannot tell the two apart; running both can.
 *
 * <p>A trial forms batches in turns under the two limits (the efficient size, and every size), so that both run in
 * the same seconds beside the same neighbour, until each has run {@value #BATCHES} batches; then compares the images a
 * second each gave its lane. The larger limit is kept only if it gave more than {@code 1 + within} times as many; the
 * verdict holds for {@value #VERDICT_SECONDS} s, then a new trial asks again (the neighbour may have changed). A trial
 * that cannot finish within {@value #TRIAL_SECONDS} s (too few batches) decides for every size, as before trials: the
 * slow machine's shape is unknown.
 *
 * <p>Batches are attributed by the limit they were formed under, not by their size: when few images wait, the larger
 * limit forms small batches too, and then, rightly, shows no gain. Not thread-safe: {@link BatchLatencyEstimator}
 * guards it.
 */
final class LargerBatchTrial {
    static final int BATCHES = 4;
    static final long TRIAL_SECONDS = 5;
    static final long VERDICT_SECONDS = 10;
    private static final long NONE = Long.MIN_VALUE;

    private final double within;
    private long trialSince = NONE;
    private long verdictAt = NONE;
    private boolean largerPay;
    /** Which limit the next batch of a trial is formed under: the larger one first. */
    private boolean largerNext = true;
    private final long[] images = new long[2];
    private final long[] nanos = new long[2];
    private final int[] batches = new int[2];

    /** @param within how much more throughput the larger limit must show (a fraction) to be kept */
    LargerBatchTrial(double within) {
        this.within = within;
    }

    /**
     * The limit for the next batch on a machine running slower than warm-up measured: the verdict's, or, during a
     * trial, the one whose turn it is ({@link #formed} passes the turn).
     */
    int nextLimit(long now, int efficient, int max) {
        if (hasVerdict(now)) {
            return largerPay ? max : efficient;
        }
        if (trialSince == NONE) {
            startTrial(now);
        } else if (now - trialSince > TRIAL_SECONDS * 1_000_000_000L) {
            decide(now, true);
            return max;
        }
        return largerNext ? max : efficient;
    }

    /**
     * A batch was formed under {@code limit}: during a trial the other limit forms the next one. Passed on a formed
     * batch, not on each call of {@link #nextLimit}: a planner that waits for more images under the larger limit asks
     * again, and a turn passed then would leave the larger limit forming no batch at all when few images wait.
     */
    void formed(int limit, int max) {
        if (trialSince != NONE) {
            largerNext = limit != max;
        }
    }

    /**
     * The limit the queue drains at for forecasts: the verdict's; while none is known, every size (as a slow machine's
     * batches grew before trials).
     */
    int limitInForce(long now, int efficient, int max) {
        return !hasVerdict(now) || largerPay ? max : efficient;
    }

    /** A batch of {@code size}, formed under {@code limit}, took {@code elapsedNanos}. */
    void record(long now, int size, long elapsedNanos, int limit, int efficient, int max) {
        if (trialSince == NONE || (limit != efficient && limit != max)) {
            return;
        }
        int side = limit == max ? 1 : 0;
        images[side] += size;
        nanos[side] += Math.max(1, elapsedNanos);
        batches[side]++;
        if (batches[0] >= BATCHES && batches[1] >= BATCHES) {
            double smaller = images[0] / (double) nanos[0];
            double larger = images[1] / (double) nanos[1];
            decide(now, larger > (1 + within) * smaller);
        }
    }

    /** The machine runs at warm-up's speed again: a trial under way no longer speaks for anything. */
    void calm() {
        trialSince = NONE;
    }

    /** True while a trial runs (batches are being formed under both limits in turns). */
    boolean trialRunning() {
        return trialSince != NONE;
    }

    private boolean hasVerdict(long now) {
        return verdictAt != NONE && now - verdictAt < VERDICT_SECONDS * 1_000_000_000L;
    }

    private void startTrial(long now) {
        trialSince = now;
        largerNext = true;
        for (int side = 0; side < 2; side++) {
            images[side] = 0;
            nanos[side] = 0;
            batches[side] = 0;
        }
    }

    private void decide(long now, boolean pay) {
        largerPay = pay;
        verdictAt = now;
        trialSince = NONE;
    }
}
