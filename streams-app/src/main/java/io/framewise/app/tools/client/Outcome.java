package io.framewise.app.tools.client;

import io.framewise.schema.Classification;

/**
 * What became of one input frame: exactly one of a classification event or a dead letter.
 *
 * @param key   the record key (camera id)
 * @param event the event, or null for a dead letter
 * @param deadLetter the dead letter, or null for an event
 */
public record Outcome(String key, Classification event, DeadLetter deadLetter) {

    /** A dead-letter record: the original bytes and the reason from Kafka Streams' error headers. */
    public record DeadLetter(byte[] value, String exception, String message, String sourceTopic, int partition, long offset) {
    }

    public boolean isEvent() {
        return event != null;
    }
}
