package io.framewise.app.observability;

import java.util.Arrays;

/**
 * Events counted over a sliding window, in ten buckets: constant memory whatever the rate. The window is the current
 * bucket so far and the nine before it. Not thread-safe: its owner synchronizes.
 */
public final class WindowedCount {
    private static final int BUCKETS = 10;

    private final long bucketNanos;
    private final long[] counts = new long[BUCKETS];
    private final long[] bucketIndex = new long[BUCKETS];
    private long first = Long.MIN_VALUE;

    public WindowedCount(long windowNanos) {
        this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
    }

    /** One event at {@code now} (ns, any origin, never going back). */
    public void add(long now) {
        if (first == Long.MIN_VALUE) {
            first = now;
        }
        long b = Math.floorDiv(now, bucketNanos);
        int i = (int) Math.floorMod(b, (long) BUCKETS);
        if (bucketIndex[i] != b) {
            bucketIndex[i] = b;
            counts[i] = 0;
        }
        counts[i]++;
    }

    /** Whether no event was counted since the start or the last {@link #reset()}. */
    public boolean isEmpty() {
        return first == Long.MIN_VALUE;
    }

    /** When the first event since the start or the last reset was counted (ns); meaningless while empty. */
    public long first() {
        return first;
    }

    /** Events per second over the window (or since the first event, when that is shorter); 0 before any. */
    public double perSecond(long now) {
        if (isEmpty()) {
            return 0;
        }
        long covered = (BUCKETS - 1) * bucketNanos + Math.floorMod(now, bucketNanos);
        double seconds = Math.max(bucketNanos, Math.min(covered, now - first)) / 1e9;
        return count(now) / seconds;
    }

    /** Events in the window ending at {@code now}. */
    public long count(long now) {
        long current = Math.floorDiv(now, bucketNanos);
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (current - bucketIndex[i] < BUCKETS) {
                sum += counts[i];
            }
        }
        return sum;
    }

    /** Forgets every event. */
    public void reset() {
        first = Long.MIN_VALUE;
        Arrays.fill(counts, 0);
    }
}
