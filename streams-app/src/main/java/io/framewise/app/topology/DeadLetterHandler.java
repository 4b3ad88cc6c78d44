package io.framewise.app.topology;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.framewise.app.observability.FrameMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' deserialization and processing exception handlers for framewise: like its log-and-continue
 * handlers with the built-in dead-letter queue (the same record, in {@link DeadLetters}' format), except that the
 * dead letter always fits the dead-letter topic ({@link DeadLetters#fit}) and each is one rate-limited log line
 * ({@link DeadLetterLog}) instead of a stack trace. The stream goes on.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private String topic;
    private int maxBytes;
    /** The instance's meters, when the application handed them over (tests may run the topology without). */
    private FrameMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object name = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        topic = name == null || name.toString().isBlank() ? null : name.toString();
        maxBytes = DeadLetters.maxBytes(configs);
        metrics = configs.get(FrameMetrics.CONFIG_KEY) instanceof FrameMetrics m ? m : null;
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return DeserializationExceptionHandler.Response.resume(deadLetters(context, record.key(), record.value(), exception));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        return ProcessingExceptionHandler.Response.resume(deadLetters(context, context.sourceRawKey(),
                context.sourceRawValue(), exception));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetters(ErrorHandlerContext context, byte[] key, byte[] value,
                                                             Exception exception) {
        String camera = key == null ? null : new String(key, StandardCharsets.UTF_8);
        DeadLetterLog.shared().deadLettered(camera, context.topic(), context.partition(), context.offset(), exception);
        if (metrics != null) {
            metrics.refused(camera);
        }
        if (topic == null) {
            return List.of();
        }
        DeadLetters.Fitted fitted = DeadLetters.fit(key, value, DeadLetters.headers(context.headers(), exception,
                context.topic(), context.partition(), context.offset()), maxBytes);
        return List.of(new ProducerRecord<>(topic, null, context.timestamp(), key, fitted.value(), fitted.headers()));
    }
}
