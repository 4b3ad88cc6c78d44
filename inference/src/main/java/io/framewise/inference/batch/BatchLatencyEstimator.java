package io.framewise.inference.batch;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * How long a batch of each size takes now: the size's typical latency times how much slower than typical the model
 * runs at the moment.
 *
 * <ul>
 * <li><b>Typical latency per size</b>: the warm-up's measurement, then an average of that size's batches, each divided
 * by the mean slowdown of its moment, that forgets with a time constant of {@value #TYPICAL_SECONDS} s. It is the
 * shape (what batch 8 costs against batch 1), which changes slowly and is not moved by a neighbour; a size without
 * one is interpolated linearly between the nearest sizes that have one (or extrapolated per image). It learns only
 * from batches whose moment's slowdown is measured (at least {@value #MIN_SAMPLES} batches in the last
 * {@value #NOW_MILLIS} ms): from a batch now and then, a slow batch and a slow moment cannot be told apart.
 * <li><b>Slowdown</b>: each batch's latency divided by its size's typical latency, pooled over all sizes and
 * instances; its 90th percentile over the last {@value #NOW_MILLIS} ms (at least {@value #MIN_SAMPLES} batches), or
 * the median of the last {@value #MIN_SAMPLES} batches when fewer ran in it (within {@value #LATELY_SECONDS} s), or 1.
 * </ul>
 *
 * <p>Why only the last few batches when few run: when the estimates say no frame can make it, only probes run (a
 * frame after {@code ServedModel.PROBE_AFTER_NANOS} without an answer). Measured at a cold start (200 ms budget, 16
 * cameras at half load): the first two batches after joining took 370 and 400 ms, the probes after them 45-110 ms,
 * yet a 90th percentile over 10 s kept the first two for 10 s, and the shape, learning from probes against that
 * level, pushed the batch-1 estimate from 200 to 620 ms: one frame a second was classified for the first 10 s. The
 * last few batches are what the model does now; their median, so that
 * one cold batch beside warm-up's last ones does not speak for the model; with fewer than {@value #MIN_SAMPLES} of
 * them, nothing is known yet and frames are admitted, which measures it.
 *
 * <p>Why the split: when a neighbour takes a core, every size slows at once, but only the sizes that run are
 * measured. Per-size windows (this class's earlier form, 16 batches over 3 s) learnt the change one size at a time
 * and kept the fast figure for the rest; beside a neighbour busy 2 s of every 4 they never caught up, and 15-23% of
 * the frames they admitted missed their deadline (BudgetControllerSimulationTest). Pooled, a few slow batches of any
 * size move every estimate within a few hundred milliseconds, and the estimates come back within a second of
 * capacity returning. The 90th percentile: the estimate decides whether a frame can still make its deadline, and on a
 * shared CPU a batch's latency has a long tail.
 *
 * <p>Time is passed in ({@code nanoTime}): the same object serves the engine in real time and the controller
 * simulation in virtual time. Thread-safe.
 */
public final class BatchLatencyEstimator {
    static final double TYPICAL_SECONDS = 10;
    static final long NOW_MILLIS = 1000;
    static final long LATELY_SECONDS = 10;
    static final int MIN_SAMPLES = 3;
    static final double QUANTILE = 0.9;
    /**
     * In the mean slowdown the shape learns against, a batch counts as at most this many times typical: one batch
     * stalled by a pause does not make its neighbours' batches look fast, while a machine 8 times slower (a cold start)
     * is still read as slow, not as a different shape.
     */
    static final long LEVEL_CAP = 16;
    /** Sizes whose throughput is within this fraction of the best size's count as as good: the smallest is preferred. */
    static final double EFFICIENT_WITHIN = 0.02;
    /** Beyond this slowdown, warm-up's shape is not the machine's: {@link #batchLimit()} allows every size. */
    static final double CONTENDED = 1.5;
    /** Slowdowns are kept as parts per million in a {@link LatencyWindow}. */
    private static final long ONE = 1_000_000L;
    private static final long NO_SAMPLE = Long.MIN_VALUE;
    private static final long CACHE_NANOS = 20_000_000L;

    private final double[] typicalNanos;
    /** Warm-up's measurement per size (0: none): the shape {@link #efficientBatch()} is read from. */
    private final double[] priorNanos;
    private final long[] typicalAt;
    private final LatencyWindow slowdownNow = new LatencyWindow(NOW_MILLIS * 1_000_000L, 128, MIN_SAMPLES);
    /** The last few batches, however long ago (up to 10 s): a window as long as it has samples. */
    private final LatencyWindow slowdownLately = new LatencyWindow(LATELY_SECONDS * 1_000_000_000L, MIN_SAMPLES, MIN_SAMPLES);
    private final LongSupplier nanoTime;
    /** The slowdown as last computed (planning a batch asks for many sizes at once); recomputed after a batch or 20 ms. */
    private long cachedSlowdown;
    private long cachedAt = NO_SAMPLE;
    /** {@link #efficientBatch()} as last computed; 0 after the shape changed. */
    private int efficientBatch;
    /** The batch size the user chose ({@link #prefer}); 0: the limit is measured. */
    private int preferredBatch;

    public BatchLatencyEstimator(int maxBatch, LongSupplier nanoTime) {
        this.typicalNanos = new double[maxBatch + 1];
        this.priorNanos = new double[maxBatch + 1];
        this.typicalAt = new long[maxBatch + 1];
        Arrays.fill(typicalAt, NO_SAMPLE);
        this.nanoTime = nanoTime;
        slowdownLately.prior(ONE);
    }

    public int maxBatch() {
        return typicalNanos.length - 1;
    }

    /** A batch of {@code batchSize} took {@code elapsedNanos}, ending now. */
    public synchronized void record(int batchSize, long elapsedNanos) {
        long now = nanoTime.getAsLong();
        int n = clamp(batchSize);
        double typical = typical(n);
        if (typical > 0) {
            long slowdown = (long) (ONE * elapsedNanos / typical);
            slowdownNow.record(now, slowdown);
            slowdownLately.record(now, slowdown);
        }
        // The shape learns what the slowdown does not explain: the batch's latency at the moment's mean slowdown.
        // The mean, not the median: with two sizes each off by its own factor, the median of their slowdowns sits on
        // one or the other, and neither size's shape ever moves.
        LatencyWindow slowdowns = slowdowns(now);
        long level = slowdowns.mean(now, LEVEL_CAP * ONE);
        double atTypicalSpeed = elapsedNanos * (double) ONE / Math.max(1, level);
        if (typicalNanos[n] <= 0) {
            typicalNanos[n] = atTypicalSpeed;
            typicalAt[n] = now;
        } else if (slowdowns == slowdownNow) { // the moment's slowdown is measured
            // forgets with a time constant, not per batch: at 40 batches a second a per-batch weight would follow
            // every phase of a neighbour, and the shape must not
            long since = typicalAt[n] == NO_SAMPLE ? Long.MAX_VALUE : Math.max(0, now - typicalAt[n]);
            double weight = 1 - Math.exp(-since / (TYPICAL_SECONDS * 1e9));
            // one batch stalled by a pause moves the shape by at most four times its typical latency
            typicalNanos[n] += weight * (Math.min(atTypicalSpeed, 4 * typicalNanos[n]) - typicalNanos[n]);
            typicalAt[n] = now;
        }
        cachedAt = NO_SAMPLE;
    }

    /**
     * The measured default of a size (from warm-up): its typical latency until batches of that size have run. Time
     * since it was set counts as for a batch, so the first real batches move it as much as their age warrants.
     */
    public synchronized void prior(int batchSize, long nanos) {
        int n = clamp(batchSize);
        typicalNanos[n] = nanos;
        priorNanos[n] = nanos;
        typicalAt[n] = nanoTime.getAsLong();
        efficientBatch = 0;
    }

    /**
     * The largest batch worth forming: the smallest size whose throughput (images per typical latency) is within
     * {@value #EFFICIENT_WITHIN} of the best size's. A larger batch buys no throughput and costs each of its images the
     * larger batch's latency: on a CPU where one thread runs one image at full speed (measured on 2 cores, L1, one
     * thread per instance: 45 images/s at batch 1, 41 at 2 and 4, 34 at 8) that is batch 1, and a queue of frames is
     * better served one by one on every instance.
     *
     * <p>From warm-up's measurement ({@link #prior}), which runs every size, not from live batches: live, only the
     * sizes that run are measured, and when one size runs alone its shape cannot be told from a slowdown, so an error
     * in it stays. Learnt live, the limit locked at 2 after capacity halved and returned in the controller simulation
     * (where 7 pays), and goodput stayed 7% below the load. Sizes above the largest one measured are unknown: while
     * throughput still grows up to it, every size up to the maximum stays allowed; with no measurement at all, so does
     * every size. The limit in force is {@link #batchLimit()}.
     */
    public synchronized int efficientBatch() {
        if (efficientBatch == 0) {
            efficientBatch = computeEfficientBatch();
        }
        return efficientBatch;
    }

    /**
     * Forms batches of up to {@code size} whatever warm-up measured (Triton's preferred batch size): for a user who
     * knows the model's best size on this hardware, or wants batches held as long as {@code maxWait} allows to fill
     * it. 0: measured ({@link #batchLimit()}).
     */
    public synchronized void prefer(int size) {
        if (size < 0 || size > maxBatch()) {
            throw new IllegalArgumentException("preferred batch size " + size + " is not between 0 and " + maxBatch());
        }
        preferredBatch = size;
    }

    /** The size {@link #prefer} set; 0 when the limit is measured. */
    public synchronized int preferredBatch() {
        return preferredBatch;
    }

    /**
     * The largest batch to form now: the size the user {@linkplain #prefer preferred}, if any; else
     * {@link #efficientBatch()}, or every size up to the maximum while batches run more
     * than {@value #CONTENDED} times slower than warm-up measured (a cold start, a neighbour, a host short of memory
     * bandwidth): warm-up's shape does not describe that machine, and batches grow with the queue as they did before
     * the limit. Measured on 2 cores: the model alone ran best at batch 1 when batch 1 took 42 ms, and at batch 8 (28%
     * more images/s) in a run where it took 75 ms, where every image streams the weights again; and held to batch 1,
     * a 25 fps camera lost 25 of its first 92 frames at a cold start.
     */
    public synchronized int batchLimit() {
        if (preferredBatch > 0) {
            return preferredBatch;
        }
        int efficient = efficientBatch();
        return efficient < maxBatch() && slowdown(nanoTime.getAsLong()) > CONTENDED * ONE ? maxBatch() : efficient;
    }

    /** One image's share of a full batch ({@link #batchLimit()}) as estimated now: the rate a queue drains at. */
    public synchronized long fullBatchShareNanos() {
        int full = batchLimit();
        return estimate(full) / full;
    }

    private int computeEfficientBatch() {
        int largest = maxBatch();
        while (largest >= 1 && priorNanos[largest] <= 0) {
            largest--;
        }
        if (largest < 1) {
            return maxBatch();
        }
        double[] throughput = new double[largest + 1];
        double best = 0;
        int bestSize = 1;
        for (int n = 1; n <= largest; n++) {
            throughput[n] = n / interpolated(priorNanos, n);
            if (throughput[n] > best) {
                best = throughput[n];
                bestSize = n;
            }
        }
        if (bestSize == largest && largest < maxBatch()) {
            return maxBatch(); // still growing where knowledge ends
        }
        for (int n = 1; n < bestSize; n++) {
            if (throughput[n] >= (1 - EFFICIENT_WITHIN) * best) {
                return n;
            }
        }
        return bestSize;
    }

    /** Estimated nanoseconds for a batch of {@code size} now; 0 when nothing has been measured yet. */
    public synchronized long estimate(int size) {
        double typical = typical(clamp(size));
        if (typical <= 0) {
            return 0;
        }
        return (long) (typical * slowdown(nanoTime.getAsLong()) / ONE);
    }

    /** How much slower than typical batches run now (their 90th percentile), in parts per million (1,000,000: as typical). */
    private long slowdown(long now) {
        if (cachedAt != NO_SAMPLE && now - cachedAt >= 0 && now - cachedAt < CACHE_NANOS) {
            return cachedSlowdown;
        }
        // Over the last second, the 90th percentile; of the last few batches, the median: with three, the 90th
        // percentile is the slowest, and one cold batch after warm-up's would close the door on its own.
        LatencyWindow slowdowns = slowdowns(now);
        cachedSlowdown = slowdowns.quantile(slowdowns == slowdownNow ? QUANTILE : 0.5, now);
        cachedAt = now;
        return cachedSlowdown;
    }

    /** The slowdowns that speak for now: the last second's when enough batches ran in it, else the last few batches. */
    private LatencyWindow slowdowns(long now) {
        return slowdownNow.recent(now) >= MIN_SAMPLES ? slowdownNow : slowdownLately;
    }

    /** The size's typical latency, or interpolated between the nearest sizes that have one; 0 when none has. */
    private double typical(int n) {
        return interpolated(typicalNanos, n);
    }

    /** {@code perSize[n]}, or interpolated between the nearest sizes that have one; 0 when none has. */
    private static double interpolated(double[] perSize, int n) {
        if (perSize[n] > 0) {
            return perSize[n];
        }
        int below = n - 1;
        while (below >= 1 && perSize[below] <= 0) {
            below--;
        }
        int above = n + 1;
        while (above < perSize.length && perSize[above] <= 0) {
            above++;
        }
        boolean hasBelow = below >= 1;
        boolean hasAbove = above < perSize.length;
        if (hasBelow && hasAbove) {
            return perSize[below] + (perSize[above] - perSize[below]) * (n - below) / (above - below);
        }
        if (hasBelow) {
            return perSize[below] * n / below;
        }
        if (hasAbove) {
            return perSize[above] * n / above;
        }
        return 0;
    }

    private int clamp(int size) {
        return Math.max(1, Math.min(size, typicalNanos.length - 1));
    }
}
