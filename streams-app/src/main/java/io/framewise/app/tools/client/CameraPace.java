package io.framewise.app.tools.client;

import java.util.function.LongSupplier;

/**
 * The pace of a publishing camera: frame n is due n / fps after the start, as a camera captures them. Unlike the
 * open-loop {@link Pacer} of the benchmarks (which offers a rate whatever happens), a camera does not send a backlog:
 * after a stall (a slow producer, a broker outage) the schedule restarts at the late frame, which is counted, so that
 * the frames after it keep the camera's pace. Sending the backlog at once put 220 frames into 1.7 s instead of 22 s,
 * and the pipeline rightly skipped them all as superseded. Not thread-safe: one per camera.
 */
public final class CameraPace {
    /** How the pace waits (Thread.sleep in use; a test records the waits). */
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double fps;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long startNanos = Long.MIN_VALUE;
    private long startFrame;
    private long late;
    private long worstLateNanos;

    public CameraPace(double fps) {
        this(fps, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    public CameraPace(double fps, LongSupplier nanoTime, Sleeper sleeper) {
        this.fps = fps;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /**
     * Waits until frame {@code n} (counted from 0) is due. A frame more than one interval late restarts the schedule
     * at itself and is counted as late. At 0 fps or less nothing waits.
     */
    public void awaitFrame(long n) throws InterruptedException {
        if (fps <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (startNanos == Long.MIN_VALUE) {
            startNanos = now;
            startFrame = n;
            return;
        }
        long due = startNanos + (long) ((n - startFrame) * 1e9 / fps);
        long lateBy = now - due;
        if (lateBy > (long) (1e9 / fps)) {
            late++;
            worstLateNanos = Math.max(worstLateNanos, lateBy);
            startNanos = now;
            startFrame = n;
            return;
        }
        if (due > now) {
            sleeper.sleepNanos(due - now);
        }
    }

    /** Frames that could not be sent on time (each restarted the schedule). */
    public long late() {
        return late;
    }

    /** How late the latest of them was, in nanoseconds. */
    public long worstLateNanos() {
        return worstLateNanos;
    }
}
