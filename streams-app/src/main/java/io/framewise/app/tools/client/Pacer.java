package io.framewise.app.tools.client;

/**
 * Paces frames on a schedule: the n-th frame is due {@code n / fps} seconds after the pacer was made, whatever
 * happened to the earlier ones (an open loop: a slow consumer does not slow the cameras down, as it would not in a
 * real deployment). At 0 fps or less every frame is due at once.
 */
public final class Pacer {
    private final long startNanos;
    private final double fps;

    public Pacer(double fps) {
        this(fps, System.nanoTime());
    }

    public Pacer(double fps, long startNanos) {
        this.fps = fps;
        this.startNanos = startNanos;
    }

    /** When frame {@code n} is due, on {@link System#nanoTime()}'s clock. */
    public long dueNanos(long n) {
        return fps > 0 ? startNanos + (long) (n * 1e9 / fps) : startNanos;
    }

    /** Sleeps until frame {@code n} is due (not at all when it already is). */
    public void awaitFrame(long n) throws InterruptedException {
        long wait = dueNanos(n) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
