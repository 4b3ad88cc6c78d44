package io.framewise.app.pipeline;

/** A record that is not a usable frame (tombstone, missing camera id, ...). Dead-lettered with this message. */
public class InvalidFrameException extends RuntimeException {
    public InvalidFrameException(String message) {
        super(message);
    }
}
