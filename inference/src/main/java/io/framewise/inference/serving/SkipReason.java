package io.framewise.inference.serving;

import io.framewise.schema.Status;

/**
 * Why a frame was not classified: the one vocabulary of the frame path. Each reason carries the event status it is
 * reported with and the text its event's note gives ("skipped: " + text). A new reason is a constant here and the
 * code that decides it.
 */
public enum SkipReason {
    /** Closer (capture time) to its camera's last classified frame than the camera's 1/max.fps: not decoded. */
    SAMPLED(Status.SKIPPED_SAMPLED, "sampled out: within 1/max.fps of its camera's last classified frame"),
    /** Its budget was spent before its processing started. */
    EXPIRED(Status.SKIPPED_LATE, "budget spent before processing"),
    /** Newer frames of its camera were waiting behind it, more than the model could finish within their deadlines. */
    SUPERSEDED(Status.SKIPPED_LATE, "superseded by newer frames of its camera, which could not all make their deadlines"),
    /** No model's outlook made its deadline, and none was due a probe: not decoded. */
    FORECAST(Status.SKIPPED_LATE, "the model could not answer in time"),
    /** Decoded, but its batch could not have finished in time. */
    SHED(Status.SKIPPED_LATE, "shed at batch formation: its batch could not finish in time"),
    /**
     * A video access unit that gave no picture to classify: its camera's decoder lacks a reference (a lost access
     * unit, a start mid-GOP), or holds the picture back (B-frames). The event's note says which.
     */
    NO_PICTURE(Status.SKIPPED_LATE, "no picture for this access unit");

    private final Status status;
    private final String text;

    SkipReason(Status status, String text) {
        this.status = status;
        this.text = text;
    }

    /** The status of the frame's event. */
    public Status status() {
        return status;
    }

    /** Why, in words, for the event's note. */
    public String text() {
        return text;
    }
}
