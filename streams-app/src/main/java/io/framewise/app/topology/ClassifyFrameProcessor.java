package io.framewise.app.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.FrameMetrics;
import io.framewise.app.pipeline.Analysis;
import io.framewise.app.pipeline.CameraTable;
import io.framewise.app.pipeline.EventAssembler;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.pipeline.FrameIntake;
import io.framewise.app.pipeline.Intake;
import io.framewise.schema.CameraIds;
import io.framewise.schema.Classification;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.common.TopicPartition;
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
 * The Kafka side of classifying frames, and only that, in the way Kafka's own processors delegate to their
 * reducers: each frame goes to the task's {@link FrameIntake} (the per-frame rules; a frame that is not a usable
 * frame is refused, and Kafka Streams dead-letters it), then to the {@link FrameAnalyzer} (decide, decode, submit),
 * and its {@link Analysis} to the {@link EventAssembler}; what this class owns is when, and what survives a failure.
 *
 * <p>Up to {@code framewise.pipeline.depth} frames of the task are in flight at once: the stream thread decodes the
 * next frame while earlier ones are batched, and frames of one camera may share a batch. Outcomes are forwarded in
 * the task's arrival order (so in each camera's order), by the next {@code process()} call or a punctuation every
 * {@value #DRAIN_INTERVAL_MS} ms; a frame still in flight when {@code process()} returns is kept in the
 * {@link InFlightFrames} store, so that commits, rebalances and crashes cannot lose it, and is started again by the
 * task's next owner in {@code init()}. A frame whose inference fails once it is in flight is dead-lettered here, in
 * Kafka Streams' dead-letter format, alone. Each camera's last answered frame is kept ({@link AnsweredFrames}) so
 * that a frame a failure replays is recognised.
 */
final class ClassifyFrameProcessor implements Processor<String, Frame, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyFrameProcessor.class);
    static final long DRAIN_INTERVAL_MS = 5;

    private final FrameAnalyzer analyzer;
    private final EventAssembler assembler;
    private final FrameIntake intake;
    private final Clock clock;
    private final int depth;
    private final String inputTopic;
    private final FrameMetrics metrics;
    private ProcessorContext<String, Object> context;
    /** The largest dead letter the dead-letter topic takes (read by the application at start). */
    private int deadLetterMaxBytes = DeadLetters.DEFAULT_MAX_BYTES;
    private InFlightFrames inFlight;
    /** Each camera's last answered frame, to recognise the frames a failure replays. */
    private AnsweredFrames answered;
    /** Each video camera's last keyframe, for the task's next owner to replay from. */
    private Keyframes keyframes;
    private final FramewiseConfig.VideoResume resume;

    ClassifyFrameProcessor(FrameAnalyzer analyzer, FramewiseConfig config, Clock clock, FrameMetrics metrics) {
        this.analyzer = analyzer;
        this.metrics = metrics;
        this.assembler = new EventAssembler(analyzer.models(), metrics, System::nanoTime);
        this.intake = new FrameIntake(config, clock, System::nanoTime);
        this.clock = clock;
        this.depth = config.pipelineDepth();
        this.inputTopic = config.inputTopic();
        this.resume = config.videoResume();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.deadLetterMaxBytes = DeadLetters.maxBytes(context.appConfigs());
        this.answered = new AnsweredFrames(context.getStateStore(AnsweredFrames.STORE));
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, t -> {
            answered.forgetIdle(clock.millis(), TimeUnit.NANOSECONDS.toMillis(CameraTable.MAX_IDLE_NANOS));
            keyframes.all().keySet().stream().filter(camera -> answered.lastSequence(camera) < 0).forEach(keyframes::forget);
        });
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, t -> intake.forgetIdle());
        this.keyframes = new Keyframes(context.getStateStore(Keyframes.STORE));
        if (resume == FramewiseConfig.VideoResume.REPLAY) {
            Map<String, Keyframes.Mark> marks = keyframes.all();
            if (!marks.isEmpty()) {
                GopReplay.replay(context.appConfigs(), Thread.currentThread().getName(),
                        new TopicPartition(inputTopic, context.taskId().partition()), marks, answered::lastSequence,
                        intake::replay);
            }
        }
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
        Frame frame = record.value();
        if (frame != null) {
            // before intake, which may refuse it: a camera sending invalid frames still shows as sending
            metrics.arrived(frame.getCameraId() != null ? frame.getCameraId() : record.key(), context.taskId().partition(),
                    frame.getCaptureTimestamp() == null ? 0 : FrameIntake.micros(frame.getCaptureTimestamp()),
                    frame.getAttributes() == null ? null : frame.getAttributes().get(FrameMetrics.DECLARED_FPS_ATTRIBUTE));
        }
        start(offset, record.key(), record.timestamp(), record.value(), record.headers(), false);
        // at most depth - 1 frames stay in flight when this call returns (depth 1: none, the frame is answered here)
        while (inFlight.size() >= depth) {
            drain(true);
        }
        drain(false);
        inFlight.persist();
    }

    /** Takes a frame in and starts it (its outcome may already be known), queued in order. Throws for a bad frame. */
    private void start(long offset, String key, long timestamp, Frame frame, Headers headers, boolean stored) {
        Intake in = intake.take(frame, key,
                f -> answered.isReplay(f.getCameraId(), f.getSequence(), FrameIntake.micros(f.getCaptureTimestamp())));
        inFlight.add(new InFlightFrames.Entry(offset, key, timestamp, frame, headers, in, analyzer.start(in)), stored);
    }

    /** Forwards the outcomes of the frames at the head whose answers are in; with {@code wait}, waits for the head's. */
    private void drain(boolean wait) {
        while (!inFlight.isEmpty()) {
            InFlightFrames.Entry head = inFlight.head();
            if (!head.pending().isDone() && !wait) {
                return;
            }
            wait = false;
            try {
                Analysis a = analyzer.finish(head.pending());
                Classification event = assembler.assemble(head.intake(), a);
                if (a.classified()) {
                    intake.classified(head.frame());
                }
                context.forward(new Record<String, Object>(head.key(), event, head.timestamp()), FramewiseTopology.SINK);
                answered(head.frame());
                if (head.intake().video() != null && head.frame().getKeyframe() && head.offset() >= 0) {
                    // the camera's last answered keyframe: a replay from it reaches its last answered access unit
                    keyframes.keyframe(head.frame().getCameraId(), head.offset(), head.frame().getSequence());
                }
            } catch (RuntimeException e) {
                // whatever failed, it failed for this frame: dead-letter it alone (Kafka Streams' own handler would
                // attribute it to the record being processed, another one) and go on with the others
                deadLetter(head.offset(), head.key(), head.timestamp(), head.frame(), head.headers(), e);
            }
            inFlight.removeHead();
        }
    }

    private void answered(Frame frame) {
        answered.answered(frame.getCameraId(), frame.getSequence(), FrameIntake.micros(frame.getCaptureTimestamp()), clock.millis());
    }

    /**
     * Dead-letters a frame that failed once in flight, where Kafka Streams' own handler cannot (the record being
     * processed is another one), in the same format as Kafka Streams' dead letters ({@link DeadLetters}).
     */
    private void deadLetter(long offset, String key, long timestamp, Frame frame, Headers frameHeaders, RuntimeException e) {
        DeadLetterLog.shared().deadLettered(frame.getCameraId(), inputTopic, context.taskId().partition(), offset, e);
        metrics.deadLetter(frame.getCameraId());
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
        if (context != null) {
            metrics.partitionClosed(context.taskId().partition());
        }
        // Frames still in flight stay in the store, which Kafka Streams has committed: the task's next owner (this
        // instance after a restart, or another one) starts them again. Their answers here are not waited for.
        for (InFlightFrames.Entry e : inFlight == null ? List.<InFlightFrames.Entry>of() : inFlight.abandon()) {
            analyzer.abandon(e.pending());
        }
        // the video cameras' decoders: the task's next processor starts each camera again at its next keyframe
        intake.close();
    }
}
