package io.framewise.app.pipeline;

import java.util.concurrent.TimeUnit;

/**
 * Each camera's frame interval, learnt from the capture times of its frames, and how many newer frames of a camera
 * are waiting behind a frame taken late: those captured since it, less {@value #SLACK_MS} ms for delivery. Whether
 * they make the frame superseded is admission's call ({@code Admission}): only when the camera's backlog cannot all
 * make its deadlines. Under light load frames are taken within an interval of their capture and none is behind.
 * Not thread-safe: one per task (a camera's frames all reach one task, in order).
 */
public final class CameraCadence {
    static final long SLACK_MS = 50;
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(SLACK_MS);
    private static final double ALPHA = 0.2;
    /** More is never needed: a backlog this long of one camera cannot make its deadlines anyway. */
    private static final long MAX_NEWER = 100_000;

    /** Per camera: last capture time (ns) and the moving average of the interval (ns, 0 while unknown); bounded. */
    private final CameraTable<double[]> cameras = new CameraTable<>();

    /** Records a frame's capture time and returns its camera's interval so far (0 while unknown). */
    public long observe(String camera, long captureNanos) {
        double[] s = cameras.get(camera);
        if (s == null) {
            cameras.put(camera, new double[] {captureNanos, 0});
            return 0;
        }
        double gap = captureNanos - s[0];
        if (gap > 0) {
            s[1] = s[1] == 0 ? gap : s[1] + ALPHA * (gap - s[1]);
            s[0] = captureNanos;
        }
        return (long) s[1];
    }

    /**
     * How many newer frames of a camera with this interval were captured while a frame of age {@code ageNanos}
     * waited, beyond the last {@value #SLACK_MS} ms (not delivered yet); 0 while the interval is unknown.
     */
    public static int newerWaiting(long ageNanos, long intervalNanos) {
        if (intervalNanos <= 0 || ageNanos <= SLACK_NANOS) {
            return 0;
        }
        return (int) Math.min(MAX_NEWER, (ageNanos - SLACK_NANOS) / intervalNanos);
    }
}
