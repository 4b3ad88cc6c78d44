package io.framewise.inference.serving;

/**
 * What a served model expects for a frame that would start preparing now.
 *
 * @param completionNanos when its answer would come (monotonic nanoseconds)
 * @param probeDue        it has had no feedback for a while and no probe is out: admit one frame to measure
 * @param runningForNanos how long the batch running now has been running (0 when none runs): a model that hangs
 *                        shows here
 * @param perFrameNanos   what each further frame adds at best: the larger of preparing one and its share of a
 *                        full batch on all the model's instances (the rate a backlog drains at)
 */
public record Outlook(long completionNanos, boolean probeDue, long runningForNanos, long perFrameNanos) {
    public Outlook(long completionNanos, boolean probeDue) {
        this(completionNanos, probeDue, 0, 0);
    }

    /**
     * What each further frame of a backlog adds: preparing it, or its share of a full batch divided among the
     * instances, which drain the backlog side by side, whichever is larger. The one rule of the serving path and the
     * controller simulation (when the simulation gained instances, a copy of it here would have had to follow).
     *
     * @param batchShareNanos one frame's share of a full batch's run on one instance
     */
    public static long perFrameNanos(long prepareNanos, long batchShareNanos, int instances) {
        return Math.max(prepareNanos, batchShareNanos / instances);
    }
}
