package io.framewise.inference.serving;

/**
 * Whether a frame is worth decoding, and by which model, decided before any work is spent on it: a pure function of
 * the time, what the frame's intake found (its deadline, whether it is sampled out or superseded, its policy) and
 * what each model expects ({@link Outlook}), so that it is tested with made-up outlooks and a made-up clock, and so
 * that the serving path and the controller simulation apply the same rule. In this order:
 *
 * <ol>
 *   <li>Sampled out (closer to its camera's last classified frame than 1/max.fps): skipped, whatever the policy.</li>
 *   <li>Budget already spent: skipped, whatever the policy.</li>
 *   <li>Superseded (a newer frame of the same camera is already waiting behind it) and the policy is not best
 *       effort: skipped, so that a camera's backlog serves its newest frame.</li>
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
     * @param superseded    a newer frame of the same camera is already waiting behind it
     */
    public record Request(long deadlineNanos, boolean sampled, boolean superseded, BudgetPolicy policy) {
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
        if (request.superseded() && policy != BudgetPolicy.BEST_EFFORT) {
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
}
