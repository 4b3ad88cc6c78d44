package io.framewise.app.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.framewise.app.config.BudgetPolicy;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.FrameMetrics;
import io.framewise.app.observability.Printable;
import io.framewise.app.pipeline.Analysis;
import io.framewise.app.pipeline.CameraCadence;
import io.framewise.app.pipeline.CameraTable;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.pipeline.InvalidFrameException;
import io.framewise.app.pipeline.ModelRuntime;
import io.framewise.schema.CameraIds;
import io.framewise.schema.Classification;
import io.framewise.schema.Frame;
import io.framewise.schema.FrameAttributes;
import io.framewise.schema.Label;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.Status;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each frame into exactly one outcome: a frame that is not a usable frame is refused (dead-lettered by Kafka
 * Streams); one sampled out (closer than 1/max.fps to its camera's last classified frame) is {@code SKIPPED_SAMPLED}
 * without being decoded; every other frame goes to the {@link FrameAnalyzer}, which owns its path (admission,
 * decode, batch, inference) and says whether it was classified or could not make its deadline ({@code SKIPPED_LATE}).
 *
 * <p>Up to {@code framewise.pipeline.depth} frames of the task are in flight at once: the stream thread decodes the
 * next frame while earlier ones are batched, and frames of one camera may share a batch. Outcomes are forwarded in
 * the task's arrival order (so in each camera's order), by the next {@code process()} call or a punctuation every
 * {@value #DRAIN_INTERVAL_MS} ms; a frame still in flight when {@code process()} returns is kept in the
 * {@link InFlightFrames} store, so that commits, rebalances and crashes cannot lose it. A frame whose inference fails
 * once it is in flight is dead-lettered here, in Kafka Streams' dead-letter format, alone.
 *
 * <p>"Now" comes from the injected clock (tests control lateness); durations come from the monotonic clock, and the
 * deadline is carried onto it, so the total always covers the stages.
 */
final class ClassifyFrameProcessor implements Processor<String, Frame, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyFrameProcessor.class);
    static final String BUDGET_ATTRIBUTE = FramewiseConfig.LATENCY_BUDGET_MS_CONFIG;
    static final String MAX_FPS_ATTRIBUTE = FramewiseConfig.CAMERA_MAX_FPS_CONFIG;
    static final long DRAIN_INTERVAL_MS = 5;

    private final FrameAnalyzer analyzer;
    private final long defaultBudgetMs;
    private final BudgetPolicy policy;
    private final double defaultMaxFps;
    private final Clock clock;
    private final long futureToleranceMs;
    private final int depth;
    private final String inputTopic;
    private final FramewiseConfig config;
    /** Capture time (µs) of each camera's last classified frame; a camera's frames all come through this task. */
    private final CameraTable<Long> lastSampled = new CameraTable<>();
    /** Each camera's frame interval: a frame with newer ones behind it is superseded. */
    private final CameraCadence cadence = new CameraCadence();
    /** Camera and attribute pairs already reported as unusable. */
    private final CameraTable<Set<String>> warned = new CameraTable<>();
    private ProcessorContext<String, Object> context;
    /** The largest dead letter the dead-letter topic takes (read by the application at start). */
    private int deadLetterMaxBytes = DeadLetters.DEFAULT_MAX_BYTES;
    private final FrameMetrics metrics;
    private InFlightFrames inFlight;
    /** Each camera's last answered frame, to recognise the frames a failure replays. */
    private AnsweredFrames answered;
    /** A replayed frame is classified whatever its lateness: a deadline a day away. */
    private static final long REPLAY_DEADLINE_NANOS = TimeUnit.DAYS.toNanos(1);

    ClassifyFrameProcessor(FrameAnalyzer analyzer, FramewiseConfig config, Clock clock, FrameMetrics metrics) {
        this.analyzer = analyzer;
        this.metrics = metrics;
        this.defaultBudgetMs = config.latencyBudgetMs();
        this.policy = config.budgetPolicy();
        this.defaultMaxFps = config.cameraMaxFps();
        this.clock = clock;
        this.futureToleranceMs = config.futureToleranceMs();
        this.depth = config.pipelineDepth();
        this.inputTopic = config.inputTopic();
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.deadLetterMaxBytes = DeadLetters.maxBytes(context.appConfigs());
        this.answered = new AnsweredFrames(context.getStateStore(AnsweredFrames.STORE));
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME,
                t -> answered.forgetIdle(clock.millis(), TimeUnit.NANOSECONDS.toMillis(CameraTable.MAX_IDLE_NANOS)));
        KeyValueStore<Long, byte[]> store = context.getStateStore(InFlightFrames.STORE);
        this.inFlight = new InFlightFrames(store);
        // Restoration is complete when init() runs: what the store holds was in flight when the task last committed
        // (on this instance before a crash, or on another before a rebalance). Start those frames again, in order.
        List<InFlightFrames.Stored> left = inFlight.stored();
        if (!left.isEmpty()) {
            LOG.info("task {}: {} frame(s) were in flight at the last commit; starting them again", context.taskId(), left.size());
        }
        for (InFlightFrames.Stored s : left) {
            try {
                start(s.offset(), s.key(), s.timestamp(), s.frame(), new RecordHeaders(), true);
            } catch (RuntimeException e) {
                // it failed before; now it fails for good: dead-letter it rather than block the task
                deadLetter(s.offset(), s.key(), s.timestamp(), s.frame(), new RecordHeaders(), e);
                inFlight.forget(s.offset());
            }
        }
        context.schedule(Duration.ofMillis(DRAIN_INTERVAL_MS), PunctuationType.WALL_CLOCK_TIME, t -> drain(false));
    }

    @Override
    public void process(Record<String, Frame> record) {
        drain(false);
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        start(offset, record.key(), record.timestamp(), record.value(), record.headers(), false);
        // at most depth - 1 frames stay in flight when this call returns (depth 1: none, the frame is answered here)
        while (inFlight.size() >= depth) {
            drain(true);
        }
        drain(false);
        inFlight.persist();
    }

    /** Validates and decides on a frame, and queues it (its outcome may already be known). Throws for a bad frame. */
    private void start(long offset, String key, long timestamp, Frame frame, Headers headers, boolean stored) {
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        if (frame == null) {
            throw new InvalidFrameException("null value (tombstone) for key " + key + ": no frame to classify");
        }
        if (frame.getCameraId() == null || frame.getCameraId().isBlank()) {
            throw new InvalidFrameException("frame has an empty cameraId");
        }
        String badId = CameraIds.problem(frame.getCameraId());
        if (badId != null) {
            // before anything is kept for the camera: its state, its meters and its log lines are keyed by the id
            throw new InvalidFrameException("camera id " + Printable.of(frame.getCameraId(), 64) + " " + badId);
        }
        String badAttributes = FrameAttributes.problem(frame.getAttributes());
        if (badAttributes != null) {
            throw new InvalidFrameException("frame has " + badAttributes);
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
        // the processing deadline leaves the event time to reach its consumers
        long deadlineNanos = startNanos + remainingNanos - config.deliveryReserveMs(budgetMs) * 1_000_000L;
        double queueingMs = Math.max(0, Duration.between(frame.getCaptureTimestamp(), start).toNanos() / 1e6);
        ModelRuntime primary = analyzer.models().primary();
        Classification.Builder event = Classification.newBuilder()
                .setCameraId(frame.getCameraId()).setSequence(frame.getSequence())
                .setCaptureTimestamp(frame.getCaptureTimestamp()).setBudgetMs(budgetMs)
                .setModel(primary.ref()).setNote(primary.note());
        boolean replay = answered.isReplay(frame.getCameraId(), frame.getSequence(), micros(frame.getCaptureTimestamp()));
        EventContext ec = new EventContext(event, queueingMs, start, startNanos, replay);
        FrameAnalyzer.Pending pending;
        if (replay) {
            // Answered before a failure (at_least_once): judged from the frame, not from the lateness the failure
            // gave it, so that its second event agrees with the first (skipped as late, it contradicted an OK)
            pending = analyzer.start(frame, startNanos + REPLAY_DEADLINE_NANOS, false, BudgetPolicy.BEST_EFFORT);
        } else if (sampledOut(frame)) {
            pending = null;
        } else {
            long interval = cadence.observe(frame.getCameraId(), micros(frame.getCaptureTimestamp()) * 1_000L);
            boolean superseded = CameraCadence.superseded((long) (queueingMs * 1e6), interval, budgetMs * 1_000_000L);
            pending = analyzer.start(frame, deadlineNanos, superseded, policy);
        }
        inFlight.add(new InFlightFrames.Entry(offset, key, timestamp, frame, headers, ec, pending), stored);
    }

    /** Forwards the outcomes of the frames at the head whose answers are in; with {@code wait}, waits for the head's. */
    private void drain(boolean wait) {
        while (!inFlight.isEmpty()) {
            InFlightFrames.Entry head = inFlight.head();
            FrameAnalyzer.Pending pending = head.pending();
            if (pending != null && !pending.isDone() && !wait) {
                return;
            }
            wait = false;
            if (pending == null) {
                emitSkipped(head, Status.SKIPPED_SAMPLED, 0, 0);
            } else {
                try {
                    Analysis a = analyzer.finish(pending);
                    if (a.classified()) {
                        emitClassified(head, a);
                    } else {
                        head.context().event().setNote(skipNote(head.context().event().getNote(), a.skipReason()));
                        emitSkipped(head, Status.SKIPPED_LATE, a.decodeNanos(), a.preprocessNanos());
                    }
                } catch (RuntimeException e) {
                    // whatever failed, it failed for this frame: dead-letter it alone (Kafka Streams' own handler
                    // would attribute it to the record being processed, another one) and go on with the others
                    deadLetter(head.offset(), head.key(), head.timestamp(), head.frame(), head.headers(), e);
                }
            }
            inFlight.removeHead();
        }
    }

    private void emitClassified(InFlightFrames.Entry e, Analysis a) {
        EventContext c = e.context();
        lastSampled.put(e.frame().getCameraId(), micros(e.frame().getCaptureTimestamp()));
        double totalMs = c.queueingMs() + (System.nanoTime() - c.startNanos()) / 1e6;
        boolean met = totalMs <= c.event().getBudgetMs();
        LatencyBreakdown latency = new LatencyBreakdown(c.queueingMs(), a.decodeNanos() / 1e6, a.preprocessNanos() / 1e6,
                a.batchWaitNanos() / 1e6, a.inferenceNanos() / 1e6, totalMs);
        c.event().setStatus(Status.OK).setModel(a.model().ref()).setNote(c.replay() ? replayNote(note(a)) : note(a))
                .setLabels(a.predictions().stream().map(p -> new Label(p.index(), p.label(), p.score())).toList())
                .setLatency(latency).setBatchSize(a.batchSize()).setDeadlineMet(met);
        metrics.classified(a.model(), a.batchSize(), met);
        metrics.stage(FrameMetrics.Stage.DECODE, latency.getDecodeMs());
        metrics.stage(FrameMetrics.Stage.PREPROCESS, latency.getPreprocessMs());
        metrics.stage(FrameMetrics.Stage.BATCH_WAIT, latency.getBatchWaitMs());
        metrics.stage(FrameMetrics.Stage.INFERENCE, latency.getInferenceMs());
        emit(e, Status.OK, totalMs, a.model());
    }

    /** What the event says beside its labels: the model's note, and what the payload really was if not as declared. */
    private static String note(Analysis a) {
        String decoded = a.decodedAs() == null ? null : "payload decoded as " + a.decodedAs();
        if (a.model().note() == null) {
            return decoded;
        }
        return decoded == null ? a.model().note() : a.model().note() + "; " + decoded;
    }

    /** The note of a replayed frame's event: says so first, so that a consumer keeps the first event of the frame. */
    private static String replayNote(String note) {
        String replay = "replay: this frame was answered before a failure (at_least_once); its first event stands";
        return note == null ? replay : replay + "; " + note;
    }

    /** The event's note of a frame skipped as late: why, after the model's own note. */
    private static String skipNote(String modelNote, Analysis.SkipReason reason) {
        String why = "skipped: " + reason.text();
        return modelNote == null ? why : why + "; " + modelNote;
    }

    /** A skipped frame's event; a frame shed after it was prepared says what preparing it cost. */
    private void emitSkipped(InFlightFrames.Entry e, Status status, long decodeNanos, long preprocessNanos) {
        EventContext c = e.context();
        double totalMs = c.queueingMs() + (System.nanoTime() - c.startNanos()) / 1e6;
        c.event().setStatus(status).setLabels(List.of()).setDeadlineMet(false)
                .setLatency(new LatencyBreakdown(c.queueingMs(), decodeNanos / 1e6, preprocessNanos / 1e6, 0.0, 0.0, totalMs));
        emit(e, status, totalMs, analyzer.models().primary());
    }

    private void emit(InFlightFrames.Entry e, Status status, double totalMs, ModelRuntime model) {
        EventContext c = e.context();
        c.event().setClassifiedTimestamp(c.start().plusNanos((long) ((totalMs - c.queueingMs()) * 1e6)));
        metrics.event(status, model);
        metrics.stage(FrameMetrics.Stage.QUEUEING, c.queueingMs());
        metrics.stage(FrameMetrics.Stage.TOTAL, totalMs);
        context.forward(new Record<String, Object>(e.key(), c.event().build(), e.timestamp()), FramewiseTopology.SINK);
        answered(e.frame());
    }

    private void answered(Frame frame) {
        answered.answered(frame.getCameraId(), frame.getSequence(), micros(frame.getCaptureTimestamp()), clock.millis());
    }

    /**
     * Dead-letters a frame that failed once in flight, where Kafka Streams' own handler cannot (the record being
     * processed is another one), in the same format as Kafka Streams' dead letters ({@link DeadLetters}).
     */
    private void deadLetter(long offset, String key, long timestamp, Frame frame, Headers frameHeaders, RuntimeException e) {
        DeadLetterLog.shared().deadLettered(frame.getCameraId(), inputTopic, context.taskId().partition(), offset, e);
        metrics.deadLetter();
        Headers headers = DeadLetters.headers(frameHeaders, e, inputTopic, context.taskId().partition(), offset);
        byte[] value = FramewiseSerdes.frame().encode(frame);
        // a frame just under the input's limit plus the reason's headers would not fit: Kafka refused the dead letter
        // and the instance stopped
        DeadLetters.Fitted fitted = DeadLetters.fit(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers,
                deadLetterMaxBytes);
        context.forward(new Record<String, Object>(key, fitted.value(), timestamp, fitted.headers()),
                FramewiseTopology.DEAD_LETTERS);
        if (frame.getCameraId() != null && CameraIds.problem(frame.getCameraId()) == null) {
            answered(frame);
        }
    }

    @Override
    public void close() {
        // Frames still in flight stay in the store, which Kafka Streams has committed: the task's next owner (this
        // instance after a restart, or another one) starts them again. Their answers here are not waited for.
        for (InFlightFrames.Entry e : inFlight == null ? List.<InFlightFrames.Entry>of() : inFlight.abandon()) {
            if (e.pending() != null) {
                analyzer.abandon(e.pending());
            }
        }
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
        // within the setting's own range: 1e308 rounded to Long.MAX_VALUE overflowed the deadline and dead-lettered
        // every frame of the camera
        String invalid = FramewiseConfig.invalidReason(BUDGET_ATTRIBUTE, rounded);
        if (invalid != null) {
            warnOnce(frame, BUDGET_ATTRIBUTE, invalid);
            return defaultBudgetMs;
        }
        return rounded;
    }

    /**
     * A frame's own positive numeric attribute within its setting's range, or {@code fallback}. An unusable
     * attribute does not fail the frame: the deployment's setting applies, and the camera's first such frame is
     * logged.
     */
    private double positiveAttribute(Frame frame, String name, double fallback) {
        String value = frame.getAttributes().get(name);
        if (value == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(value.trim());
            if (v > 0 && Double.isFinite(v)) {
                if (name.equals(BUDGET_ATTRIBUTE)) {
                    return v; // checked once rounded, by budgetMs
                }
                String invalid = FramewiseConfig.invalidReason(name, v);
                if (invalid == null) {
                    return v;
                }
                warnOnce(frame, name, invalid);
                return fallback;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        warnOnce(frame, name, "is not a positive number");
        return fallback;
    }

    private void warnOnce(Frame frame, String attribute, String problem) {
        Set<String> attributes = warned.get(frame.getCameraId());
        if (attributes == null) {
            attributes = new HashSet<>(2);
            warned.put(frame.getCameraId(), attributes);
        }
        if (attributes.add(attribute)) {
            LOG.warn("camera {}: attribute {}={} {}; using the deployment's setting for its frames (said once per camera)",
                    Printable.of(frame.getCameraId()), attribute, Printable.of(frame.getAttributes().get(attribute)), problem);
        }
    }
}
