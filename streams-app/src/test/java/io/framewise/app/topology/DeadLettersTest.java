package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
}
