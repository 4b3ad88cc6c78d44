package io.framewise.app.tools.view;

/** Events per second over the last ten seconds, in one-second buckets: constant memory whatever the rate. */
final class RateWindow {
    private static final int SECONDS = 10;
    private final long[] counts = new long[SECONDS];
    private final long[] bucketSecond = new long[SECONDS];
    private long firstMillis = -1;

    void add(long nowMillis) {
        if (firstMillis < 0) {
            firstMillis = nowMillis;
        }
        long second = nowMillis / 1000;
        int i = (int) (second % SECONDS);
        if (bucketSecond[i] != second) {
            bucketSecond[i] = second;
            counts[i] = 0;
        }
        counts[i]++;
    }

    /** The rate over the window, or over the time since the first event when that is shorter; 0 before any. */
    double perSecond(long nowMillis) {
        if (firstMillis < 0) {
            return 0;
        }
        long second = nowMillis / 1000;
        long sum = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (second - bucketSecond[i] < SECONDS) {
                sum += counts[i];
            }
        }
        double span = Math.min(SECONDS, Math.max(1.0, (nowMillis - firstMillis) / 1000.0));
        return sum / span;
    }
}
