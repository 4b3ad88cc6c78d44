package io.framewise.decoder;

/** A payload that cannot become an image. The message is the reason written to the dead-letter record. */
public class FrameDecodeException extends RuntimeException {

    /** Why decoding failed; stable names that dashboards and dead-letter consumers can group by. */
    public enum Reason { EMPTY, TRUNCATED, CORRUPT, TOO_LARGE, UNSUPPORTED }

    private final Reason reason;

    public FrameDecodeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
