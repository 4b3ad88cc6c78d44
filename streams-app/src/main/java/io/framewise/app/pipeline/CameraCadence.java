package io.framewise.app.pipeline;

import java.util.concurrent.TimeUnit;

/**
 * Each camera's frame interval, learnt from the capture times of its frames, and the rule that makes a backlog serve
 * the newest frame: a frame older than two of its camera's intervals plus {@value #SLACK_MS} ms has been superseded,
 * since by the time it is taken a newer frame of the same camera has been captured and delivered behind it. The rule
 * applies only to a frame that has also spent a quarter of its budget waiting: the budget says how much staleness
 * the user accepts (a recording replayed as fast as possible, with a generous budget, is classified frame by frame).
 * Under light load frames are taken within an interval of their capture and the rule never applies; when a camera's
 * backlog grows, its thread skips to the newest frame instead of classifying the oldest ones at the edge of the
 * budget. Not thread-safe: one per task (a camera's frames all reach one task, in order).
 */
public final class CameraCadence {
    static final long SLACK_MS = 50;
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(SLACK_MS);
    private static final double ALPHA = 0.2;

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
     * True when a frame of age {@code ageNanos}, from a camera with this interval, has newer frames behind it and has
     * spent more than a quarter of its budget waiting.
     */
    public static boolean superseded(long ageNanos, long intervalNanos, long budgetNanos) {
        return intervalNanos > 0 && ageNanos > 2 * intervalNanos + SLACK_NANOS && ageNanos > budgetNanos / 4;
    }
}
