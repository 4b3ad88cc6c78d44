package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.framewise.app.pipeline.InvalidFrameException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/**
 * A dead letter reads the same whoever wrote it: the processor's (a frame that failed in flight) and Kafka Streams'
 * own dead-letter queue (a frame refused on arrival) carry the same headers, in the same order, with the same
 * values. Kafka's builder is internal API: if a Kafka upgrade changes the format, this test says so.
 */
class DeadLettersTest {
    private static final RuntimeException FAILURE = new InvalidFrameException("frame has an empty cameraId");

    private static Headers frameHeaders() {
        return new RecordHeaders().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theProcessorsDeadLettersAreKafkaStreamsDeadLetters() {
        ErrorHandlerContext context = new ErrorHandlerContext() {
            @Override public String topic() { return "frames"; }
            @Override public int partition() { return 3; }
            @Override public long offset() { return 1234; }
            @Override public Headers headers() { return frameHeaders(); }
            @Override public String processorNodeId() { return "classify"; }
            @Override public TaskId taskId() { return new TaskId(0, 3); }
            @Override public long timestamp() { return 42; }
            @Override public byte[] sourceRawKey() { return null; }
            @Override public byte[] sourceRawValue() { return null; }
        };
        ProducerRecord<byte[], byte[]> kafkas = ExceptionHandlerUtils.buildDeadLetterQueueRecord("frames-dlq", new byte[0],
                new byte[0], context, FAILURE);

        Headers ours = DeadLetters.headers(frameHeaders(), FAILURE, "frames", 3, 1234);

        assertThat(describe(ours)).isEqualTo(describe(kafkas.headers()));
        assertThat(DeadLetters.reason(ours))
                .isEqualTo(new DeadLetters.Reason(InvalidFrameException.class.getName(), "frame has an empty cameraId",
                        "frames", 3, 1234));
    }

    @Test
    void aDeadLetterWithoutTheReasonReadsAsUnknownRatherThanFailing() {
        assertThat(DeadLetters.reason(new RecordHeaders())).isEqualTo(new DeadLetters.Reason(null, null, null, -1, -1));
    }

    private static List<String> describe(Headers headers) {
        List<String> all = new ArrayList<>();
        for (Header h : headers) {
            all.add(h.key() + "=" + (h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
        }
        return all;
    }

    @Test
    void aDeadLetterThatFitsIsUnchanged() {
        Headers headers = DeadLetters.headers(frameHeaders(), FAILURE, "frames", 3, 1234);
        byte[] value = new byte[1_000];
        DeadLetters.Fitted fitted = DeadLetters.fit("cam".getBytes(StandardCharsets.UTF_8), value, headers, 1_048_576);
        assertThat(fitted.value()).isSameAs(value);
        assertThat(fitted.headers()).isSameAs(headers);
    }

    @Test
    void aDeadLetterOverTheLimitKeepsItsReasonAndSourceAndAsMuchOfTheValueAsFits() {
        int limit = 1_048_576;
        byte[] key = "cam".getBytes(StandardCharsets.UTF_8);
        Headers headers = DeadLetters.headers(frameHeaders(), FAILURE, "frames", 3, 1234);
        byte[] value = new byte[1_048_400]; // fits the input topic; with the reason's headers it did not fit the dead letters'
        new Random(1).nextBytes(value);
        assertThat(DeadLetters.size(key, value, headers)).isGreaterThan(limit);

        DeadLetters.Fitted fitted = DeadLetters.fit(key, value, headers, limit);

        assertThat(DeadLetters.size(key, fitted.value(), fitted.headers())).isLessThanOrEqualTo(limit);
        assertThat(DeadLetters.reason(fitted.headers())).isEqualTo(DeadLetters.reason(headers));
        assertThat(text(fitted.headers(), DeadLetters.VALUE_BYTES)).isEqualTo("1048400");
        int kept = Integer.parseInt(text(fitted.headers(), DeadLetters.VALUE_KEPT));
        assertThat(fitted.value()).hasSize(kept).isEqualTo(Arrays.copyOf(value, kept));
        assertThat(kept).as("most of the value is kept").isGreaterThan(1_040_000);
        assertThat(fitted.headers().lastHeader("traceparent")).as("the frame's own headers are kept").isNotNull();
    }

    @Test
    void aLimitSmallerThanTheReasonKeepsTheReasonAndNoValue() {
        Headers headers = DeadLetters.headers(frameHeaders(), FAILURE, "frames", 3, 1234);
        DeadLetters.Fitted fitted = DeadLetters.fit(null, new byte[10_000], headers, 2_000);
        assertThat(fitted.value()).isEmpty();
        assertThat(text(fitted.headers(), DeadLetters.VALUE_KEPT)).isEqualTo("0");
        assertThat(DeadLetters.reason(fitted.headers()).message()).isEqualTo("frame has an empty cameraId");
    }

    private static String text(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
