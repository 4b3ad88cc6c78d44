package io.framewise.app.pipeline;

import io.framewise.app.config.BudgetPolicy;

/**
 * Whether a frame is worth decoding, decided before any work is spent on it: a pure function of the time, the
 * frame's deadline, the policy and what each model expects ({@link Outlook}), so that it is tested with made-up
 * outlooks and a made-up clock, and so that the engine and the controller simulation apply the same rule.
 *
 * <ol>
 *   <li>Budget already spent: skipped, whatever the policy.</li>
 *   <li>Superseded (a newer frame of the same camera is already waiting behind it, see {@link CameraCadence}) and
 *       the policy is not best effort: skipped, so that a camera's backlog serves its newest frame.</li>
 *   <li>The primary model is expected to answer in time: admitted to it.</li>
 *   <li>Best effort: admitted to the primary anyway.</li>
 *   <li>Fallback policy and the fallback model is expected to answer in time: admitted to the fallback.</li>
 *   <li>A model that has given no feedback lately is due a probe: the frame is admitted to it to measure, so that an
 *       expectation that keeps skipping everything keeps meeting reality.</li>
 *   <li>Otherwise skipped.</li>
 * </ol>
 */
public final class AdmissionController {

    /**
     * What a model expects for a frame that would start now.
     *
     * @param completionNanos when its answer would come (monotonic nanoseconds)
     * @param probeDue        it has had no feedback for a while and no probe is out: admit one frame to measure
     */
    public record Outlook(long completionNanos, boolean probeDue) {
    }

    /** The verdict on one frame; a skip says why. */
    public enum Verdict {
        PRIMARY, FALLBACK, PROBE_PRIMARY, PROBE_FALLBACK,
        /** The budget was spent before processing started. */
        SKIP_EXPIRED,
        /** Newer frames of the camera are waiting behind it. */
        SKIP_SUPERSEDED,
        /** No model is expected to answer in time, and none is due a probe. */
        SKIP_FORECAST;

        public boolean admitted() {
            return this != SKIP_EXPIRED && this != SKIP_SUPERSEDED && this != SKIP_FORECAST;
        }

        public boolean probe() {
            return this == PROBE_PRIMARY || this == PROBE_FALLBACK;
        }

        public boolean fallback() {
            return this == FALLBACK || this == PROBE_FALLBACK;
        }
    }

    private AdmissionController() {
    }

    /**
     * @param superseded a newer frame of the same camera is already waiting
     * @param fallback   the fallback model's outlook, or null without one
     */
    public static Verdict decide(long nowNanos, long deadlineNanos, boolean superseded, BudgetPolicy policy,
                                 Outlook primary, Outlook fallback) {
        if (nowNanos >= deadlineNanos) {
            return Verdict.SKIP_EXPIRED;
        }
        if (superseded && policy != BudgetPolicy.BEST_EFFORT) {
            return Verdict.SKIP_SUPERSEDED;
        }
        if (primary.completionNanos() <= deadlineNanos || policy == BudgetPolicy.BEST_EFFORT) {
            return Verdict.PRIMARY;
        }
        boolean useFallback = policy == BudgetPolicy.FALLBACK && fallback != null;
        if (useFallback && fallback.completionNanos() <= deadlineNanos) {
            return Verdict.FALLBACK;
        }
        if (primary.probeDue()) {
            return Verdict.PROBE_PRIMARY;
        }
        if (useFallback && fallback.probeDue()) {
            return Verdict.PROBE_FALLBACK;
        }
        return Verdict.SKIP_FORECAST;
    }
}
