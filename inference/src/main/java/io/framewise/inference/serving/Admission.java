package io.framewise.inference.serving;

/**
 * Whether a frame is worth decoding, and by which model, decided before any work is spent on it: a pure function of
 * the time, what the frame's intake found (its deadline, whether it is sampled out, the newer frames of its camera
 * behind it, its policy) and
 * what each model expects ({@link Outlook}), so that it is tested with made-up outlooks and a made-up clock, and so
 * that the serving path and the controller simulation apply the same rule. In this order:
 *
 * <ol>
 *   <li>Sampled out (closer to its camera's last classified frame than 1/max.fps): skipped, whatever the policy.</li>
 *   <li>Budget already spent: skipped, whatever the policy.</li>
 *   <li>Superseded: newer frames of the same camera are already waiting behind it, and the model cannot finish
 *       them all within their deadlines (the last of them would finish after its own deadline), and the policy is
 *       not best effort: skipped, so that a camera's backlog serves its newest frames rather than fall further
 *       behind. A backlog that can all make its deadlines is served frame by frame: the user's budget is the
 *       promise, freshness only the tie-breaker.</li>
 *   <li>The primary model is expected to answer in time: admitted to it.</li>
 *   <li>Best effort: admitted to the primary anyway.</li>
 *   <li>Fallback policy and the fallback model is expected to answer in time: admitted to the fallback.</li>
 *   <li>A model that has given no feedback lately is due a probe: the frame is admitted to it to measure, so that an
 *       expectation that keeps skipping everything keeps meeting reality.</li>
 *   <li>Otherwise skipped: the forecast says no model can make it.</li>
 * </ol>
 */
public final class Admission {

    /** Which served model a frame goes to. */
    public enum Route { PRIMARY, FALLBACK }

    /**
     * The decision on one frame: a route (and whether the frame is a probe), or the one reason it is skipped.
     *
     * @param route           null when skipped
     * @param skip            null when admitted
     * @param runningForNanos how long the routed model's running batch has been running (its outlook's): the caller
     *                        refuses frames to a model that hangs
     */
    public record Decision(Route route, boolean probe, SkipReason skip, long runningForNanos) {
        public Decision(Route route, boolean probe, SkipReason skip) {
            this(route, probe, skip, 0);
        }

        static Decision to(Route route, boolean probe, Outlook outlook) {
            return new Decision(route, probe, null, outlook.runningForNanos());
        }

        static Decision skipped(SkipReason reason) {
            return new Decision(null, false, reason, 0);
        }

        public boolean admitted() {
            return skip == null;
        }
    }

    /**
     * The facts of one frame that admission decides on, as its intake found them.
     *
     * @param deadlineNanos when its processing must be done (monotonic nanoseconds)
     * @param sampled       closer to its camera's last classified frame than 1/max.fps
     * @param newerWaiting  how many newer frames of the same camera are already waiting behind it
     * @param intervalNanos the camera's frame interval: each newer frame's deadline is that much later
     */
    public record Request(long deadlineNanos, boolean sampled, int newerWaiting, long intervalNanos, BudgetPolicy policy) {
        /** A frame with no newer frame of its camera behind it. */
        public Request(long deadlineNanos, boolean sampled, BudgetPolicy policy) {
            this(deadlineNanos, sampled, 0, 0, policy);
        }
    }

    private Admission() {
    }

    /**
     * @param fallback the fallback model's outlook, or null without one (or when the request is sampled out: no
     *                 outlook is needed to skip it)
     */
    public static Decision decide(long nowNanos, Request request, Outlook primary, Outlook fallback) {
        if (request.sampled()) {
            return Decision.skipped(SkipReason.SAMPLED);
        }
        if (nowNanos >= request.deadlineNanos()) {
            return Decision.skipped(SkipReason.EXPIRED);
        }
        BudgetPolicy policy = request.policy();
        if (request.newerWaiting() > 0 && policy != BudgetPolicy.BEST_EFFORT && !backlogMakesIt(request, primary)) {
            return Decision.skipped(SkipReason.SUPERSEDED);
        }
        if (primary.completionNanos() <= request.deadlineNanos() || policy == BudgetPolicy.BEST_EFFORT) {
            return Decision.to(Route.PRIMARY, false, primary);
        }
        boolean useFallback = policy == BudgetPolicy.FALLBACK && fallback != null;
        if (useFallback && fallback.completionNanos() <= request.deadlineNanos()) {
            return Decision.to(Route.FALLBACK, false, fallback);
        }
        if (primary.probeDue()) {
            return Decision.to(Route.PRIMARY, true, primary);
        }
        if (useFallback && fallback.probeDue()) {
            return Decision.to(Route.FALLBACK, true, fallback);
        }
        return Decision.skipped(SkipReason.FORECAST);
    }

    /**
     * Whether this frame and the newer frames of its camera behind it can all make their deadlines: the newest of them
     * finishes one per-frame cost after another past this frame's completion, and its deadline is one interval after
     * another past this frame's.
     */
    static boolean backlogMakesIt(Request request, Outlook outlook) {
        long n = request.newerWaiting();
        long newestDone = outlook.completionNanos() + n * outlook.perFrameNanos();
        long newestDeadline = request.deadlineNanos() + n * request.intervalNanos();
        return newestDone <= newestDeadline;
    }
}
