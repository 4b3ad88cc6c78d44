package io.framewise.app.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.framewise.app.config.BudgetPolicy;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.Analysis;
import io.framewise.app.pipeline.CameraCadence;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each frame into exactly one event: a frame that is not a usable frame is refused (dead-lettered); one
 * sampled out (closer than 1/max.fps to its camera's last classified frame) is {@code SKIPPED_SAMPLED} without being
 * decoded; every other frame goes to the {@link FrameAnalyzer}, which owns its path (admission, decode, batch,
 * inference) and says whether it was classified or could not make its deadline ({@code SKIPPED_LATE}).
 * A frame that cannot be classified throws; Kafka Streams' processing exception handler writes the original record
 * to the dead-letter topic and the stream goes on.
 *
 * <p>"Now" comes from the injected clock (tests control lateness); durations come from the monotonic clock, and the
 * deadline is carried onto it, so the total always covers the stages.
 */
final class ClassifyFrameProcessor implements FixedKeyProcessor<String, Frame, Classification> {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyFrameProcessor.class);
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
    /** Each camera's frame interval: a frame with newer ones behind it is superseded. */
    private final CameraCadence cadence = new CameraCadence();
    /** Camera and attribute pairs already reported as unusable. */
    private final Set<String> warned = new HashSet<>();
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
        long budgetMs = budgetMs(frame);
        long remainingNanos = Duration.between(start, frame.getCaptureTimestamp().plusMillis(budgetMs)).toNanos();
        long deadlineNanos = startNanos + remainingNanos;
        double queueingMs = Math.max(0, Duration.between(frame.getCaptureTimestamp(), start).toNanos() / 1e6);
        ModelRuntime primary = analyzer.models().primary();
        Classification.Builder event = Classification.newBuilder()
                .setCameraId(frame.getCameraId()).setSequence(frame.getSequence())
                .setCaptureTimestamp(frame.getCaptureTimestamp()).setBudgetMs(budgetMs)
                .setModel(primary.ref()).setNote(primary.note());

        if (sampledOut(frame)) {
            emitSkipped(record, event, Status.SKIPPED_SAMPLED, queueingMs, startNanos, start, 0, 0);
            return;
        }
        long interval = cadence.observe(frame.getCameraId(), micros(frame.getCaptureTimestamp()) * 1_000L);
        boolean superseded = CameraCadence.superseded((long) (queueingMs * 1e6), interval);
        Analysis a = analyzer.analyze(frame, deadlineNanos, superseded, policy);
        if (!a.classified()) {
            emitSkipped(record, event, Status.SKIPPED_LATE, queueingMs, startNanos, start, a.decodeNanos(), a.preprocessNanos());
            return;
        }
        lastSampled.put(frame.getCameraId(), micros(frame.getCaptureTimestamp()));
        double totalMs = queueingMs + (System.nanoTime() - startNanos) / 1e6;
        boolean met = totalMs <= budgetMs;
        LatencyBreakdown latency = new LatencyBreakdown(queueingMs, a.decodeNanos() / 1e6, a.preprocessNanos() / 1e6,
                a.batchWaitNanos() / 1e6, a.inferenceNanos() / 1e6, totalMs);
        event.setStatus(Status.OK).setModel(a.model().ref()).setNote(a.model().note())
                .setLabels(a.predictions().stream().map(p -> new Label(p.index(), p.label(), p.score())).toList())
                .setLatency(latency).setBatchSize(a.batchSize()).setDeadlineMet(met);
        metrics.classified(a.batchSize(), met);
        metrics.stage("decode", latency.getDecodeMs());
        metrics.stage("preprocess", latency.getPreprocessMs());
        metrics.stage("batch-wait", latency.getBatchWaitMs());
        metrics.stage("inference", latency.getInferenceMs());
        emit(record, event, Status.OK, queueingMs, totalMs, start);
    }

    /** A skipped frame's event; a frame shed after it was prepared says what preparing it cost. */
    private void emitSkipped(FixedKeyRecord<String, Frame> record, Classification.Builder event, Status status,
                             double queueingMs, long startNanos, Instant start, long decodeNanos, long preprocessNanos) {
        double totalMs = queueingMs + (System.nanoTime() - startNanos) / 1e6;
        event.setStatus(status).setLabels(List.of()).setDeadlineMet(false)
                .setLatency(new LatencyBreakdown(queueingMs, decodeNanos / 1e6, preprocessNanos / 1e6, 0.0, 0.0, totalMs));
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

    /** The frame's latency budget in whole milliseconds: its own attribute, rounded, or the deployment's. */
    private long budgetMs(Frame frame) {
        double own = positiveAttribute(frame, BUDGET_ATTRIBUTE, Double.NaN);
        if (Double.isNaN(own)) {
            return defaultBudgetMs;
        }
        long rounded = Math.round(own);
        if (rounded < 1) {
            warnOnce(frame, BUDGET_ATTRIBUTE, "rounds to 0 ms");
            return defaultBudgetMs;
        }
        return rounded;
    }

    /**
     * A frame's own positive numeric attribute, or {@code fallback}. An unusable attribute does not fail the frame:
     * the deployment's setting applies, and the camera's first such frame is logged.
     */
    private double positiveAttribute(Frame frame, String name, double fallback) {
        String value = frame.getAttributes().get(name);
        if (value == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(value.trim());
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        warnOnce(frame, name, "is not a positive number");
        return fallback;
    }

    private void warnOnce(Frame frame, String attribute, String problem) {
        if (warned.add(frame.getCameraId() + "\u0000" + attribute)) {
            LOG.warn("camera {}: attribute {}={} {}; using the deployment's setting for its frames (said once per camera)",
                    frame.getCameraId(), attribute, frame.getAttributes().get(attribute), problem);
        }
    }
}
