package io.framewise.app.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.Analysis;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.pipeline.InvalidFrameException;
import io.framewise.inference.ModelMetadata;
import io.framewise.schema.Classification;
import io.framewise.schema.Frame;
import io.framewise.schema.Label;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.ModelRef;
import io.framewise.schema.Status;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns each frame into exactly one event: {@code SKIPPED_LATE} at once when its latency budget is already spent,
 * otherwise the classification. A frame that cannot be classified throws; Kafka Streams' processing exception
 * handler then writes the original record to the dead-letter topic and the stream goes on.
 *
 * <p>"Now" comes from the injected clock (so tests control lateness); stage durations are measured with the monotonic
 * clock, and the total is queueing plus the measured processing time, so it always covers the stages.
 */
final class ClassifyFrameProcessor implements FixedKeyProcessor<String, Frame, Classification> {
    static final String BUDGET_ATTRIBUTE = FramewiseConfig.LATENCY_BUDGET_MS_CONFIG;

    private final FrameAnalyzer analyzer;
    private final long defaultBudgetMs;
    private final Clock clock;
    private final ModelRef model;
    private final String note;
    private FixedKeyProcessorContext<String, Classification> context;

    ClassifyFrameProcessor(FrameAnalyzer analyzer, long defaultBudgetMs, Clock clock) {
        this.analyzer = analyzer;
        this.defaultBudgetMs = defaultBudgetMs;
        this.clock = clock;
        ModelMetadata m = analyzer.model();
        this.model = new ModelRef(m.name(), m.version());
        this.note = m.untrained() ? "untrained model (" + m.weights() + "): labels are not meaningful" : null;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Classification> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Frame> record) {
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        Frame frame = record.value();
        if (frame == null) {
            throw new InvalidFrameException("null value (tombstone) for key " + record.key() + ": no frame to classify");
        }
        if (frame.getCameraId() == null || frame.getCameraId().isBlank()) {
            throw new InvalidFrameException("frame has an empty cameraId");
        }
        long budgetMs = budgetOf(frame);
        double queueingMs = Math.max(0, Duration.between(frame.getCaptureTimestamp(), start).toNanos() / 1e6);
        Classification.Builder event = Classification.newBuilder()
                .setCameraId(frame.getCameraId()).setSequence(frame.getSequence())
                .setCaptureTimestamp(frame.getCaptureTimestamp()).setModel(model).setBudgetMs(budgetMs).setNote(note);
        if (queueingMs >= budgetMs) {
            double totalMs = queueingMs + elapsedMs(startNanos);
            event.setStatus(Status.SKIPPED_LATE).setLabels(List.of())
                    .setLatency(new LatencyBreakdown(queueingMs, 0.0, 0.0, 0.0, 0.0, totalMs)).setDeadlineMet(false);
        } else {
            Analysis analysis = analyzer.analyze(frame);
            double totalMs = queueingMs + elapsedMs(startNanos);
            event.setStatus(Status.OK)
                    .setLabels(analysis.predictions().stream().map(p -> new Label(p.index(), p.label(), p.score())).toList())
                    .setLatency(new LatencyBreakdown(queueingMs, analysis.decodeNanos() / 1e6, analysis.preprocessNanos() / 1e6,
                            0.0, analysis.inferenceNanos() / 1e6, totalMs))
                    .setDeadlineMet(totalMs <= budgetMs);
        }
        double processedMs = event.getLatency().getTotalMs() - queueingMs;
        event.setClassifiedTimestamp(start.plusNanos((long) (processedMs * 1e6)));
        context.forward(record.withValue(event.build()));
    }

    /** The frame's own budget attribute when it has a valid one, otherwise the configured budget. */
    private long budgetOf(Frame frame) {
        String override = frame.getAttributes().get(BUDGET_ATTRIBUTE);
        if (override != null) {
            try {
                long ms = Long.parseLong(override.trim());
                if (ms > 0) {
                    return ms;
                }
            } catch (NumberFormatException ignored) {
                // An unusable override falls back to the deployment's budget rather than failing the frame.
            }
        }
        return defaultBudgetMs;
    }

    private static double elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
