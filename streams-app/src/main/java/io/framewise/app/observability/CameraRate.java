package io.framewise.app.observability;

/**
 * One camera's frames against its rate: the stall detector's state. The rate a camera should have is declared (the
 * frame attribute {@value #DECLARED_FPS_ATTRIBUTE}) or learnt from the capture times of its frames, slowly (so that a
 * camera dropping to a fraction of its rate is compared with the rate it had, not with the one it drifted to) and not
 * while it is stalled. Its frames in are counted by arrival, over the last stall window ({@link WindowedCount}). A camera is
 * judged once its rate is known and it has been seen for a whole window. Guarded by {@link CameraMeters}' lock.
 */
final class CameraRate {
    /** The frame attribute a publisher may set to declare its camera's frame rate (frames per second). */
    static final String DECLARED_FPS_ATTRIBUTE = "framewise.camera.fps";
    /** Capture intervals averaged plainly before the slow average takes over. */
    private static final int WARM_INTERVALS = 20;
    /** Weight of each new interval in the slow average: about 100 frames' memory. */
    private static final double ALPHA = 0.01;

    /** What a check found, when the camera's state changed. */
    enum Change { STALLED, RECOVERED }

    private final long windowNanos;
    private final double fraction;
    private final WindowedCount arrivals;
    private long lastCaptureMicros = Long.MIN_VALUE;
    private double intervalMicros;
    private long intervals;
    private double declaredFps;
    private int partition = -1;
    private boolean low;
    private boolean quiet;
    private long lag = -1;

    CameraRate(long windowNanos, double fraction) {
        this.windowNanos = windowNanos;
        this.fraction = fraction;
        this.arrivals = new WindowedCount(windowNanos);
    }

    /** A frame of the camera arrived at {@code now} (ns), captured at {@code captureMicros}, on {@code partition}. */
    void arrived(long now, long captureMicros, int partition, double declaredFps) {
        this.partition = partition;
        this.declaredFps = declaredFps;
        arrivals.add(now);
        long gap = captureMicros - lastCaptureMicros;
        if (lastCaptureMicros != Long.MIN_VALUE && gap > 0 && gap * 1000 < windowNanos && !low) {
            // a gap longer than the window is a pause, not the camera's cadence; nothing is learnt while stalled
            intervals++;
            intervalMicros = intervals <= WARM_INTERVALS ? intervalMicros + (gap - intervalMicros) / intervals
                    : intervalMicros + ALPHA * (gap - intervalMicros);
        }
        if (captureMicros > lastCaptureMicros) {
            lastCaptureMicros = captureMicros;
        }
    }

    /** Frames per second that arrived over the last window (or since the first frame, when that is shorter). */
    double inputFps(long now) {
        return arrivals.perSecond(now);
    }

    /** The rate the camera should have: declared, else learnt; 0 while unknown. */
    double expectedFps() {
        if (declaredFps > 0) {
            return declaredFps;
        }
        return intervals >= WARM_INTERVALS && intervalMicros > 0 ? 1e6 / intervalMicros : 0;
    }

    /**
     * Judges the camera at {@code now}: below {@code fraction} of its rate over the last window (no frame at all
     * included) is a stall; then the lag of its partition ({@code lagRecords}, -1 when unknown) tells whether the
     * camera went quiet (nothing waits) or the pipeline is behind (at least a second of the camera's frames wait).
     *
     * @return the change, or null when the camera stays as it was
     */
    Change check(long now, long lagRecords) {
        double expected = expectedFps();
        if (expected <= 0 || arrivals.isEmpty() || now - arrivals.first() < windowNanos) {
            return null;
        }
        boolean nowLow = inputFps(now) < fraction * expected;
        lag = lagRecords;
        if (nowLow) {
            quiet = lagRecords < Math.max(1, Math.round(expected));
        }
        if (nowLow == low) {
            return null;
        }
        low = nowLow;
        if (!low) {
            quiet = false;
        }
        return low ? Change.STALLED : Change.RECOVERED;
    }

    /** Forgets what was seen (the camera's partition moved to another instance): not judged until seen again. */
    void reset() {
        arrivals.reset();
        low = false;
        quiet = false;
    }

    /** Below its rate because the camera went quiet: 1, else 0. */
    int stalled() {
        return low && quiet ? 1 : 0;
    }

    /** Below its rate while frames wait on its partition (the pipeline is behind): 1, else 0. */
    int behind() {
        return low && !quiet ? 1 : 0;
    }

    int partition() {
        return partition;
    }

    long lag() {
        return lag;
    }

    /** Parses a declared rate; 0 when absent or not a positive number up to 1000. */
    static double declared(String value) {
        if (value == null) {
            return 0;
        }
        try {
            double fps = Double.parseDouble(value.trim());
            return fps > 0 && fps <= 1000 ? fps : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
