package io.framewise.app.topology;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
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

    /** On a dead letter shortened to fit: the original value's size in bytes, and how many of them it keeps. */
    public static final String VALUE_BYTES = "framewise.dead.letter.value.bytes";
    public static final String VALUE_KEPT = "framewise.dead.letter.value.kept";
    /**
     * The largest dead letter the dead-letter topic and the producer take, in bytes, when the application has read
     * them ({@code FramewiseApplication}: the topic's max.message.bytes and the producer's max.request.size); passed
     * to the processor and the exception handlers with the Streams configuration.
     */
    public static final String MAX_BYTES_CONFIG = "framewise.internal.dead.letter.max.bytes";
    /** The producer's default max.request.size (the topic's default max.message.bytes is 12 bytes more). */
    public static final int DEFAULT_MAX_BYTES =
            (Integer) ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    /** A record batch's header and one record's framing, at most (Kafka's own upper bound is close to this). */
    private static final int FRAMING_BYTES = 61 + 21 + 256;
    /** How much of a stack trace a shortened dead letter keeps. */
    private static final int SHORT_STACKTRACE_CHARS = 2_000;

    /** A dead letter's value and headers, shortened when need be so that the record fits. */
    public record Fitted(byte[] value, Headers headers) {
    }

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

    /**
     * {@code value} and {@code headers} as they are if the record fits in {@code maxBytes}; otherwise with the stack
     * trace cut short and then the value cut to what fits, saying so in {@link #VALUE_BYTES} and {@link #VALUE_KEPT}.
     * The reason, the source topic, partition and offset are always kept: a dead letter of a record just under the
     * input's limit (the original plus 2.3 KB of headers) was refused by Kafka and stopped the instance for good.
     */
    public static Fitted fit(byte[] key, byte[] value, Headers headers, int maxBytes) {
        if (size(key, value, headers) <= maxBytes) {
            return new Fitted(value, headers);
        }
        RecordHeaders shorter = new RecordHeaders();
        for (Header h : headers) {
            if (h.key().equals(STACKTRACE) && h.value() != null) {
                String trace = new String(h.value(), StandardCharsets.UTF_8);
                add(shorter, STACKTRACE, trace.length() <= SHORT_STACKTRACE_CHARS ? trace
                        : trace.substring(0, SHORT_STACKTRACE_CHARS) + "\n\t... (cut to fit the dead-letter topic)");
            } else {
                shorter.add(h);
            }
        }
        int length = value == null ? 0 : value.length;
        add(shorter, VALUE_BYTES, String.valueOf(length));
        add(shorter, VALUE_KEPT, String.valueOf(length)); // a placeholder of the same width as the final one
        int room = maxBytes - size(key, new byte[0], shorter);
        int kept = Math.max(0, Math.min(length, room));
        shorter.remove(VALUE_KEPT);
        add(shorter, VALUE_KEPT, String.valueOf(kept));
        return new Fitted(value == null ? null : Arrays.copyOf(value, kept), shorter);
    }

    /** An upper bound of a record's size on the wire, as the producer counts it against max.request.size. */
    static int size(byte[] key, byte[] value, Headers headers) {
        long size = FRAMING_BYTES + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += 10 + h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** The dead-letter size limit in a Streams configuration ({@link #MAX_BYTES_CONFIG}, else Kafka's default). */
    public static int maxBytes(Map<String, ?> configs) {
        Object v = configs.get(MAX_BYTES_CONFIG);
        return v == null ? DEFAULT_MAX_BYTES : Integer.parseInt(v.toString().trim());
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
