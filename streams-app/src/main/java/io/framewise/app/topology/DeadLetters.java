package io.framewise.app.topology;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one format of a dead letter, whoever writes it: Kafka Streams' own dead-letter queue (frames refused on
 * arrival: not a frame, a wrong camera id, a capture time in the future) or the processor (a frame that failed once
 * in flight, where Kafka Streams' handler would blame the record being processed, another one). Both are the frame's
 * key and value with the frame's own headers followed by the reason, under the names Kafka Streams uses
 * ({@code ExceptionHandlerUtils}, KIP-1034), in its order.
 */
public final class DeadLetters {
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";

    /** Why a frame was dead-lettered and where it came from, as read back from the headers. */
    public record Reason(String exception, String message, String sourceTopic, int partition, long offset) {
    }

    private DeadLetters() {
    }

    /** The dead letter's headers: the frame's own, then the reason. */
    public static Headers headers(Headers frameHeaders, Exception e, String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : frameHeaders) {
            headers.add(h);
        }
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        add(headers, EXCEPTION, e.getClass().getName());
        add(headers, MESSAGE, e.getMessage());
        add(headers, STACKTRACE, trace.toString());
        add(headers, TOPIC, topic);
        add(headers, PARTITION, String.valueOf(partition));
        add(headers, OFFSET, String.valueOf(offset));
        return headers;
    }

    /** The reason in a dead letter's headers; absent fields are null or -1. */
    public static Reason reason(Headers headers) {
        String partition = text(headers, PARTITION);
        String offset = text(headers, OFFSET);
        return new Reason(text(headers, EXCEPTION), text(headers, MESSAGE), text(headers, TOPIC),
                partition == null ? -1 : Integer.parseInt(partition.trim()), offset == null ? -1 : Long.parseLong(offset.trim()));
    }

    private static void add(Headers headers, String name, String value) {
        // as Kafka's StringSerializer does: a null message stays null
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
