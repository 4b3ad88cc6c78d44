package io.framewise.inference.batch;

import java.util.Arrays;

/**
 * A latency estimate that cannot lock itself in: a quantile over the samples of the last {@code horizon}, falling back
 * to a measured prior (set at warm-up) while fewer than {@code minSamples} recent samples exist. A single cold sample
 * (a first decode that took a second) is outvoted or ages out; an estimate that stops receiving samples because it
 * gates them away returns to the prior after one horizon instead of staying wherever it last was.
 *
 * <p>Time is passed in ({@code nowNanos}), never read: the same object serves the engine in real time and the
 * controller simulation in virtual time.
 */
public final class LatencyWindow {
    private final long horizonNanos;
    private final int minSamples;
    private final long[] at;
    private final long[] values;
    private int next;
    private int size;
    private long prior;

    /**
     * @param horizonNanos how long a sample counts
     * @param capacity     most recent samples kept
     * @param minSamples   recent samples needed before they override the prior
     */
    public LatencyWindow(long horizonNanos, int capacity, int minSamples) {
        if (capacity < minSamples || minSamples < 1) {
            throw new IllegalArgumentException("need 1 <= minSamples <= capacity");
        }
        this.horizonNanos = horizonNanos;
        this.minSamples = minSamples;
        this.at = new long[capacity];
        this.values = new long[capacity];
    }

    public synchronized void record(long atNanos, long valueNanos) {
        at[next] = atNanos;
        values[next] = valueNanos;
        next = (next + 1) % at.length;
        size = Math.min(size + 1, at.length);
    }

    /** The value to fall back to without enough recent samples (0: none). */
    public synchronized void prior(long valueNanos) {
        prior = valueNanos;
    }

    public synchronized long prior() {
        return prior;
    }

    /** How many samples are within the horizon at {@code nowNanos}. */
    public synchronized int recent(long nowNanos) {
        return recentValues(nowNanos).length;
    }

    /**
     * The mean of the recent samples, each taken as at most {@code cap}; the prior when fewer than {@code minSamples}
     * are recent and a prior is set; else of whatever few samples there are; 0 when there is nothing at all.
     */
    public synchronized long mean(long nowNanos, long cap) {
        long[] recent = recentValues(nowNanos);
        if (recent.length < minSamples && prior > 0) {
            return prior;
        }
        if (recent.length == 0) {
            return 0;
        }
        long sum = 0;
        for (long v : recent) {
            sum += Math.min(v, cap);
        }
        return sum / recent.length;
    }

    /**
     * The {@code q}-quantile (nearest rank) of the recent samples; the prior when fewer than {@code minSamples} are
     * recent and a prior is set; else whatever few samples there are; 0 when there is nothing at all.
     */
    public synchronized long quantile(double q, long nowNanos) {
        long[] recent = recentValues(nowNanos);
        int n = recent.length;
        if (n < minSamples && prior > 0) {
            return prior;
        }
        if (n == 0) {
            return 0;
        }
        Arrays.sort(recent);
        int rank = (int) Math.ceil(q * n);
        return recent[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    /** The values of the samples within the horizon at {@code nowNanos}, in no particular order. */
    private long[] recentValues(long nowNanos) {
        long[] recent = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (nowNanos - at[i] <= horizonNanos) {
                recent[n++] = values[i];
            }
        }
        return n == size ? recent : Arrays.copyOf(recent, n);
    }
}
