package io.framewise.app.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.framewise.app.config.BudgetPolicy;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.Analysis;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.pipeline.InvalidFrameException;
import io.framewise.app.pipeline.ModelRuntime;
import io.framewise.schema.Classification;
import io.framewise.schema.Frame;
import io.framewise.schema.Label;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.Status;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns each frame into exactly one event, deciding before any decoding:
 * <ol>
 *   <li>sampled out (closer than 1/max.fps to its camera's last classified frame): {@code SKIPPED_SAMPLED};</li>
 *   <li>budget already spent, or predicted to be missed: per the budget policy, {@code SKIPPED_LATE} at once, the
 *       fallback model, or best effort;</li>
 *   <li>otherwise decoded, preprocessed and classified through the batching engine.</li>
 * </ol>
 * A frame that cannot be classified throws; Kafka Streams' processing exception handler writes the original record
 * to the dead-letter topic and the stream goes on.
 *
 * <p>"Now" comes from the injected clock (tests control lateness); durations come from the monotonic clock, and the
 * deadline is carried onto it, so the total always covers the stages.
 */
final class ClassifyFrameProcessor implements FixedKeyProcessor<String, Frame, Classification> {
    static final String BUDGET_ATTRIBUTE = FramewiseConfig.LATENCY_BUDGET_MS_CONFIG;
    static final String MAX_FPS_ATTRIBUTE = FramewiseConfig.CAMERA_MAX_FPS_CONFIG;

    private final FrameAnalyzer analyzer;
    private final long defaultBudgetMs;
    private final BudgetPolicy policy;
    private final double defaultMaxFps;
    private final Clock clock;
    private final long futureToleranceMs;
    /** Capture time (µs) of each camera's last classified frame; a camera's frames all come through this task. */
    private final Map<String, Long> lastSampled = new HashMap<>();
    private FixedKeyProcessorContext<String, Classification> context;
    private PipelineMetrics metrics;

    ClassifyFrameProcessor(FrameAnalyzer analyzer, FramewiseConfig config, Clock clock) {
        this.analyzer = analyzer;
        this.defaultBudgetMs = config.latencyBudgetMs();
        this.policy = config.budgetPolicy();
        this.defaultMaxFps = config.getDouble(FramewiseConfig.CAMERA_MAX_FPS_CONFIG);
        this.clock = clock;
        this.futureToleranceMs = config.getLong(FramewiseConfig.FUTURE_TOLERANCE_MS_CONFIG);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Classification> context) {
        this.context = context;
        this.metrics = new PipelineMetrics(context.metrics(), Thread.currentThread().getName());
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
        Instant captured = frame.getCaptureTimestamp();
        if (captured.isBefore(Instant.EPOCH)) {
            throw new InvalidFrameException("capture timestamp " + captured + " is before 1970: not a real capture time");
        }
        if (captured.isAfter(start.plusMillis(futureToleranceMs))) {
            throw new InvalidFrameException("capture timestamp " + captured + " is " + Duration.between(start, captured).toMillis()
                    + " ms in the future (tolerance " + futureToleranceMs + " ms, framewise.capture.future.tolerance.ms): "
                    + "check the camera's clock");
        }
        long budgetMs = positiveAttribute(frame, BUDGET_ATTRIBUTE, defaultBudgetMs);
        long remainingNanos = Duration.between(start, frame.getCaptureTimestamp().plusMillis(budgetMs)).toNanos();
        long deadlineNanos = startNanos + remainingNanos;
        double queueingMs = Math.max(0, Duration.between(frame.getCaptureTimestamp(), start).toNanos() / 1e6);
        ModelRuntime primary = analyzer.models().primary();
        Classification.Builder event = Classification.newBuilder()
                .setCameraId(frame.getCameraId()).setSequence(frame.getSequence())
                .setCaptureTimestamp(frame.getCaptureTimestamp()).setBudgetMs(budgetMs)
                .setModel(primary.ref()).setNote(primary.note());

        if (sampledOut(frame)) {
            emitSkipped(record, event, Status.SKIPPED_SAMPLED, queueingMs, startNanos, start);
            return;
        }
        ModelRuntime model = primary;
        if (remainingNanos <= 0) {
            emitSkipped(record, event, Status.SKIPPED_LATE, queueingMs, startNanos, start);
            return;
        }
        long predicted = primary.predictCompletionNanos(startNanos);
        if (predicted > deadlineNanos) {
            ModelRuntime fallback = analyzer.models().fallback();
            switch (policy) {
                case SKIP -> {
                    emitSkipped(record, event, Status.SKIPPED_LATE, queueingMs, startNanos, start);
                    return;
                }
                case FALLBACK -> {
                    if (fallback == null || fallback.predictCompletionNanos(startNanos) > deadlineNanos) {
                        emitSkipped(record, event, Status.SKIPPED_LATE, queueingMs, startNanos, start);
                        return;
                    }
                    model = fallback;
                    predicted = fallback.predictCompletionNanos(startNanos);
                }
                case BEST_EFFORT -> {
                    // classified anyway; deadlineMet will say false
                }
            }
        }
        lastSampled.put(frame.getCameraId(), micros(frame.getCaptureTimestamp()));
        model.admitted();
        Analysis a = analyzer.analyze(frame, model, deadlineNanos);
        model.recordOutcome(predicted, System.nanoTime());
        double totalMs = queueingMs + (System.nanoTime() - startNanos) / 1e6;
        boolean met = totalMs <= budgetMs;
        LatencyBreakdown latency = new LatencyBreakdown(queueingMs, a.decodeNanos() / 1e6, a.preprocessNanos() / 1e6,
                a.batchWaitNanos() / 1e6, a.inferenceNanos() / 1e6, totalMs);
        event.setStatus(Status.OK).setModel(model.ref()).setNote(model.note())
                .setLabels(a.predictions().stream().map(p -> new Label(p.index(), p.label(), p.score())).toList())
                .setLatency(latency).setBatchSize(a.batchSize()).setDeadlineMet(met);
        metrics.classified(a.batchSize(), met);
        metrics.stage("decode", latency.getDecodeMs());
        metrics.stage("preprocess", latency.getPreprocessMs());
        metrics.stage("batch-wait", latency.getBatchWaitMs());
        metrics.stage("inference", latency.getInferenceMs());
        emit(record, event, Status.OK, queueingMs, totalMs, start);
    }

    private void emitSkipped(FixedKeyRecord<String, Frame> record, Classification.Builder event, Status status,
                             double queueingMs, long startNanos, Instant start) {
        double totalMs = queueingMs + (System.nanoTime() - startNanos) / 1e6;
        event.setStatus(status).setLabels(List.of()).setDeadlineMet(false)
                .setLatency(new LatencyBreakdown(queueingMs, 0.0, 0.0, 0.0, 0.0, totalMs));
        emit(record, event, status, queueingMs, totalMs, start);
    }

    private void emit(FixedKeyRecord<String, Frame> record, Classification.Builder event, Status status, double queueingMs,
                      double totalMs, Instant start) {
        event.setClassifiedTimestamp(start.plusNanos((long) ((totalMs - queueingMs) * 1e6)));
        metrics.event(status);
        metrics.stage("queueing", queueingMs);
        metrics.stage("total", totalMs);
        context.forward(record.withValue(event.build()));
    }

    /** True when the camera's last classified frame is closer than 1/max.fps (capture time) to this one. */
    private boolean sampledOut(Frame frame) {
        double maxFps = positiveAttribute(frame, MAX_FPS_ATTRIBUTE, defaultMaxFps);
        if (maxFps <= 0) {
            return false;
        }
        Long last = lastSampled.get(frame.getCameraId());
        if (last == null) {
            return false;
        }
        long interval = (long) (1_000_000 / maxFps);
        return micros(frame.getCaptureTimestamp()) - last < interval;
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    /** A frame's own positive numeric attribute, or the default (an unusable attribute does not fail the frame). */
    private static long positiveAttribute(Frame frame, String name, long fallback) {
        return (long) positiveAttribute(frame, name, (double) fallback);
    }

    private static double positiveAttribute(Frame frame, String name, double fallback) {
        String value = frame.getAttributes().get(name);
        if (value != null) {
            try {
                double v = Double.parseDouble(value.trim());
                if (v > 0 && Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // fall back to the deployment's setting
            }
        }
        return fallback;
    }
}
