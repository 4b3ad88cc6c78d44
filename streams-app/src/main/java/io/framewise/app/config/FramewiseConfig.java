package io.framewise.app.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.framewise.inference.InferenceOptions;
import io.framewise.inference.InferenceOptions.Precision;
import io.framewise.inference.serving.BudgetPolicy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.CaseInsensitiveValidString;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Framewise's own settings ({@code framewise.*}), declared once with their documentation, defaults and validators.
 * Every other key is a Kafka client or Streams property and passes through untouched (security, bootstrap servers,
 * {@code num.stream.threads}, {@code processing.guarantee}, ...).
 */
public final class FramewiseConfig extends AbstractConfig {
    public static final String PREFIX = "framewise.";

    public static final String INPUT_TOPIC_CONFIG = "framewise.input.topic";
    private static final String INPUT_TOPIC_DOC = "Topic of Avro Frame records, keyed by camera id.";

    public static final String OUTPUT_TOPIC_CONFIG = "framewise.output.topic";
    private static final String OUTPUT_TOPIC_DOC = "Topic the Classification events are written to, keyed by camera id.";

    public static final String DEAD_LETTER_TOPIC_CONFIG = "framewise.dead.letter.topic";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic of frames that could not be read, decoded or classified: "
            + "the original key and value bytes with the reason in headers (__streams.errors.exception, "
            + "__streams.errors.message, source topic, partition and offset). Sets Kafka Streams' "
            + "errors.dead.letter.queue.topic.name.";

    public static final String MODEL_DIR_CONFIG = "framewise.model.dir";
    private static final String MODEL_DIR_DOC = "Model directory (SavedModel + framewise-model.json + labels) to serve. "
            + "Empty: the command's default (the demo exports one into its cache).";

    public static final String LATENCY_BUDGET_MS_CONFIG = "framewise.latency.budget.ms";
    private static final String LATENCY_BUDGET_MS_DOC = "Per-frame latency budget, measured from the frame's capture "
            + "timestamp. A frame whose budget is spent when its processing starts is not classified; it yields a "
            + "SKIPPED_LATE event at once. A frame attribute of the same name overrides it for that frame's camera.";

    public static final String DELIVERY_RESERVE_MS_CONFIG = "framewise.budget.delivery.reserve.ms";
    private static final String DELIVERY_RESERVE_MS_DOC = "Part of each frame's budget kept for delivering its event "
            + "(the producer's linger, the broker, the consumer's fetch), at most a quarter of the budget: a frame is "
            + "admitted and batched only if it can be answered this long before its deadline. The event's deadlineMet "
            + "still refers to the whole budget.";

    public static final String TOP_K_CONFIG = "framewise.top.k";
    private static final String TOP_K_DOC = "How many of the most probable classes each event lists.";

    public static final String DECODE_MAX_PIXELS_CONFIG = "framewise.decode.max.pixels";
    private static final String DECODE_MAX_PIXELS_DOC = "Largest image (width x height) that is decoded. Checked on the "
            + "image header before any pixel buffer is allocated, so a decompression bomb is dead-lettered, not decoded.";

    public static final String VIDEO_DECODER_IDLE_MS_CONFIG = "framewise.video.decoder.idle.ms";
    private static final String VIDEO_DECODER_IDLE_MS_DOC = "A camera's H.264/H.265 decoder (2-9 MB of native memory) "
            + "is freed after this long without an access unit of the camera; its next access units then wait for a keyframe.";

    public static final String METRICS_CAMERAS_MAX_CONFIG = "framewise.metrics.cameras.max";
    public static final int DEFAULT_METRICS_CAMERAS_MAX = 100;
    private static final String METRICS_CAMERAS_MAX_DOC = "At most this many cameras have series of their own in "
            + "/metrics (framewise_camera_*: events by status, dead letters, last-seen age), the first ones seen, each "
            + "until it has been idle for framewise.metrics.camera.idle.ms; the outcomes of cameras beyond them count "
            + "under camera=\"_other\". An instance exposes at most (this + 1) x 5 such series, whatever publishers send.";

    public static final String METRICS_CAMERA_STALL_MS_CONFIG = "framewise.metrics.camera.stall.ms";
    public static final long DEFAULT_METRICS_CAMERA_STALL_MS = 10_000L;
    private static final String METRICS_CAMERA_STALL_MS_DOC = "The stall detector's window: a camera whose frames in over "
            + "the last this many milliseconds fall below framewise.metrics.camera.stall.fraction of its rate (none at "
            + "all included) is reported, once, with a log line and framewise_camera_stalled (it went quiet) or "
            + "framewise_camera_behind (its frames wait on its partition). Its rate is declared by the frame attribute "
            + "framewise.camera.fps or learnt from its capture times.";
    public static final String METRICS_CAMERA_STALL_FRACTION_CONFIG = "framewise.metrics.camera.stall.fraction";
    public static final double DEFAULT_METRICS_CAMERA_STALL_FRACTION = 0.5;
    private static final String METRICS_CAMERA_STALL_FRACTION_DOC = "A camera below this fraction of its rate over "
            + "the stall window is reported (see framewise.metrics.camera.stall.ms).";
    public static final String METRICS_CAMERA_IDLE_MS_CONFIG = "framewise.metrics.camera.idle.ms";
    public static final long DEFAULT_METRICS_CAMERA_IDLE_MS = 600_000L;
    private static final String METRICS_CAMERA_IDLE_MS_DOC = "A camera's series are removed from /metrics after this long "
            + "without an outcome of it on this instance, making room for another camera.";

    public static final String VIDEO_MAX_DECODERS_CONFIG = "framewise.video.max.decoders";
    private static final String VIDEO_MAX_DECODERS_DOC = "At most this many H.264/H.265 cameras of one task (one partition of "
            + "the frames topic) keep a decoder (2-9 MB of native memory each); beyond it the least recently seen camera's "
            + "decoder is closed, and that camera waits for its next keyframe when it comes back. Bounds what a publisher "
            + "inventing camera ids can make the instance allocate.";

    public static final String VIDEO_RESUME_CONFIG = "framewise.video.resume";
    private static final String VIDEO_RESUME_DOC = "What a task's new owner (after a rebalance, a crash or a scale-out) does "
            + "for each H.264/H.265 camera it takes over: 'keyframe' waits for the camera's next keyframe, answering the "
            + "access units before it without a picture; 'replay' reads the camera's access units again from its last "
            + "keyframe to its last answered one, decoding them without events, so that the next access unit decodes. "
            + "Exact under exactly_once_v2.";

    /** What a task's new owner does for the video cameras it takes over ({@link #VIDEO_RESUME_CONFIG}). */
    public enum VideoResume { KEYFRAME, REPLAY }

    public static final String INSTANCES_CONFIG = "framewise.inference.instances";
    private static final String INSTANCES_DOC = "Batches a model runs side by side (Triton's instance groups), each on "
            + "a worker of its own. 0: one per core. With several, each batch runs on one TensorFlow intra-op thread "
            + "(unless framewise.inference.intra.op.threads says otherwise), so that a thread preempted by a neighbour "
            + "slows its own batch, not every operation of every batch.";

    public static final String INTRA_OP_THREADS_CONFIG = "framewise.inference.intra.op.threads";
    private static final String INTRA_OP_THREADS_DOC = "Threads TensorFlow may use inside one operation. 0: one when "
            + "several instances run side by side, else the number of cores. Fixed for the whole process by the first "
            + "model loaded.";

    public static final String INTER_OP_THREADS_CONFIG = "framewise.inference.inter.op.threads";
    private static final String INTER_OP_THREADS_DOC = "Threads TensorFlow may use to run independent operations at "
            + "once. 0: none when several instances run side by side (each runs its own batch's operations on its own "
            + "thread, one after another), else TensorFlow's choice.";

    public static final String MAX_BATCH_SIZE_CONFIG = "framewise.inference.max.batch.size";
    private static final String MAX_BATCH_SIZE_DOC = "Largest inference batch. Frames from all stream threads of the "
            + "process are batched together, each thread keeping up to framewise.pipeline.depth frames of each of its "
            + "tasks in flight.";

    public static final String MAX_WAIT_MS_CONFIG = "framewise.inference.max.wait.ms";
    private static final String MAX_WAIT_MS_DOC = "Longest time the first frame of a batch waits for others to join. "
            + "A batch is dispatched earlier when its most urgent frame would otherwise miss its deadline.";

    public static final String PREFERRED_BATCH_SIZE_CONFIG = "framewise.inference.preferred.batch.size";
    private static final String PREFERRED_BATCH_SIZE_DOC = "Batch size to form when frames are waiting (Triton's preferred "
            + "batch size): a batch smaller than it waits up to " + MAX_WAIT_MS_CONFIG + " for more. 0: the size warm-up "
            + "measured as the smallest with the best throughput on this machine (larger ones add latency, not "
            + "throughput), every size while batches run much slower than warm-up measured. At most "
            + MAX_BATCH_SIZE_CONFIG + ".";

    public static final String PRECISION_CONFIG = "framewise.inference.precision";
    private static final String PRECISION_DOC = "Compute precision: " + describe(Precision.values(),
            p -> p.name().toLowerCase(Locale.ROOT), Precision::description) + ".";

    public static final String INFERENCE_TIMEOUT_MS_CONFIG = "framewise.inference.timeout.ms";
    private static final String INFERENCE_TIMEOUT_MS_DOC = "Longest a frame waits for its inference; beyond it the frame "
            + "is dead-lettered. Once the model's running batch has outlived it, new frames are dead-lettered at once "
            + "until the model answers, so a model that hangs holds a stream thread about this long in all, not this "
            + "long per buffered frame. Must be below the consumer's max.poll.interval.ms.";

    public static final String PIPELINE_DEPTH_CONFIG = "framewise.pipeline.depth";
    private static final String PIPELINE_DEPTH_DOC = "How many frames of one task (one partition of the frames topic, "
            + "and so of each of its cameras) may be in flight at once: the stream thread decodes the next frame while "
            + "earlier ones are batched, and a camera's frames can share a batch. Events are still produced in each "
            + "camera's order. Frames in flight at a commit are kept in a changelogged state store and started again "
            + "by the task's next owner after a crash or a rebalance. 1: one frame at a time, nothing stored.";

    public static final String BUDGET_POLICY_CONFIG = "framewise.budget.policy";
    private static final String BUDGET_POLICY_DOC = "What happens to a frame predicted to miss its deadline (predicted "
            + "from the queue and the measured batch latencies): " + describe(BudgetPolicy.values(),
            BudgetPolicy::configValue, BudgetPolicy::description) + ".";

    public static final String FALLBACK_MODEL_DIR_CONFIG = "framewise.fallback.model.dir";
    private static final String FALLBACK_MODEL_DIR_DOC = "A faster model directory for the fallback policy (e.g. "
            + "EfficientFormerV2-S0 behind L3). The event names the model that answered.";

    public static final String CAMERA_MAX_FPS_CONFIG = "framewise.camera.max.fps";
    private static final String CAMERA_MAX_FPS_DOC = "Per-camera sampling: frames of a camera closer together (by capture "
            + "time) than 1/max.fps to its last classified frame yield SKIPPED_SAMPLED events without being decoded. "
            + "0 disables sampling. A frame attribute of the same name overrides it for its camera.";

    public static final String FUTURE_TOLERANCE_MS_CONFIG = "framewise.capture.future.tolerance.ms";
    private static final String FUTURE_TOLERANCE_MS_DOC = "How far in the future a capture timestamp may be (camera clock "
            + "skew) and still count as now. A frame further in the future, or captured before 1970, is dead-lettered: "
            + "its latency budget would be meaningless.";

    public static final String STARTUP_TIMEOUT_MS_CONFIG = "framewise.startup.timeout.ms";
    private static final String STARTUP_TIMEOUT_MS_DOC = "How long start-up waits for the Kafka cluster to answer before "
            + "giving up with an error naming the bootstrap servers.";

    public static final String TOPIC_PARTITIONS_CONFIG = "framewise.topics.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of topics that framewise creates when they are "
            + "missing. Partitions bound the parallelism: instances x num.stream.threads beyond this count stay idle.";

    public static final String TOPIC_REPLICATION_CONFIG = "framewise.topics.replication.factor";
    private static final String TOPIC_REPLICATION_DOC = "Replication factor of topics that framewise creates. -1: the "
            + "broker's default.";

    public static final String HTTP_PORT_CONFIG = "framewise.http.port";
    private static final String HTTP_PORT_DOC = "Port of framewise run's HTTP endpoints: /metrics (Prometheus text format), "
            + "/health/live and /health/ready. 0 picks a free port (logged); -1 serves none.";

    public static final String HTTP_HOST_CONFIG = "framewise.http.host";
    private static final String HTTP_HOST_DOC = "Address the HTTP endpoints listen on: 0.0.0.0 so that a kubelet and "
            + "Prometheus can reach a pod; 127.0.0.1 to keep them local.";

    /** Declared in order of importance: what every deployment sets first, what tuning needs, what rarely changes. */
    public static final ConfigDef CONFIG = new ConfigDef()
            .define(INPUT_TOPIC_CONFIG, Type.STRING, "frames", new ConfigDef.NonEmptyString(), Importance.HIGH, INPUT_TOPIC_DOC)
            .define(OUTPUT_TOPIC_CONFIG, Type.STRING, "classifications", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    OUTPUT_TOPIC_DOC)
            .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, "frames-dlq", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    DEAD_LETTER_TOPIC_DOC)
            .define(MODEL_DIR_CONFIG, Type.STRING, "", Importance.HIGH, MODEL_DIR_DOC)
            .define(LATENCY_BUDGET_MS_CONFIG, Type.LONG, 1000L, Range.between(1, 24L * 3600 * 1000), Importance.HIGH,
                    LATENCY_BUDGET_MS_DOC)
            .define(MAX_BATCH_SIZE_CONFIG, Type.INT, 8, Range.between(1, 256), Importance.HIGH, MAX_BATCH_SIZE_DOC)
            .define(MAX_WAIT_MS_CONFIG, Type.LONG, 5L, Range.between(0, 10_000), Importance.HIGH, MAX_WAIT_MS_DOC)
            .define(PREFERRED_BATCH_SIZE_CONFIG, Type.INT, 0, Range.between(0, 256), Importance.LOW, PREFERRED_BATCH_SIZE_DOC)
            .define(PIPELINE_DEPTH_CONFIG, Type.INT, 4, Range.between(1, 64), Importance.HIGH, PIPELINE_DEPTH_DOC)
            .define(BUDGET_POLICY_CONFIG, Type.STRING, BudgetPolicy.SKIP.configValue(), CaseInsensitiveValidString.in(configValues(BudgetPolicy.values(), BudgetPolicy::configValue)),
                    Importance.HIGH, BUDGET_POLICY_DOC)
            .define(DELIVERY_RESERVE_MS_CONFIG, Type.LONG, 20L, Range.between(0, 60_000), Importance.MEDIUM,
                    DELIVERY_RESERVE_MS_DOC)
            .define(TOP_K_CONFIG, Type.INT, 5, Range.between(1, 100), Importance.MEDIUM, TOP_K_DOC)
            .define(DECODE_MAX_PIXELS_CONFIG, Type.LONG, 40_000_000L, Range.between(1, 1L << 31), Importance.MEDIUM,
                    DECODE_MAX_PIXELS_DOC)
            .define(METRICS_CAMERAS_MAX_CONFIG, Type.INT, DEFAULT_METRICS_CAMERAS_MAX, Range.between(0, 10_000),
                    Importance.LOW, METRICS_CAMERAS_MAX_DOC)
            .define(METRICS_CAMERA_STALL_MS_CONFIG, Type.LONG, DEFAULT_METRICS_CAMERA_STALL_MS,
                    Range.between(1_000, 24L * 3600 * 1000), Importance.LOW, METRICS_CAMERA_STALL_MS_DOC)
            .define(METRICS_CAMERA_STALL_FRACTION_CONFIG, Type.DOUBLE, DEFAULT_METRICS_CAMERA_STALL_FRACTION,
                    Range.between(0.01, 1.0), Importance.LOW, METRICS_CAMERA_STALL_FRACTION_DOC)
            .define(METRICS_CAMERA_IDLE_MS_CONFIG, Type.LONG, DEFAULT_METRICS_CAMERA_IDLE_MS,
                    Range.between(1_000, 7L * 24 * 3600 * 1000), Importance.LOW, METRICS_CAMERA_IDLE_MS_DOC)
            .define(VIDEO_MAX_DECODERS_CONFIG, Type.INT, 128, Range.between(1, 4_096), Importance.LOW,
                    VIDEO_MAX_DECODERS_DOC)
            .define(VIDEO_RESUME_CONFIG, Type.STRING, "keyframe", CaseInsensitiveValidString.in("keyframe", "replay"),
                    Importance.LOW, VIDEO_RESUME_DOC)
            .define(VIDEO_DECODER_IDLE_MS_CONFIG, Type.LONG, 60_000L, Range.between(1_000, 24L * 3600 * 1000), Importance.LOW,
                    VIDEO_DECODER_IDLE_MS_DOC)
            .define(INSTANCES_CONFIG, Type.INT, 0, Range.between(0, 256), Importance.MEDIUM, INSTANCES_DOC)
            .define(INTRA_OP_THREADS_CONFIG, Type.INT, 0, Range.between(0, 1024), Importance.MEDIUM, INTRA_OP_THREADS_DOC)
            .define(PRECISION_CONFIG, Type.STRING, Precision.MODEL.name().toLowerCase(Locale.ROOT), CaseInsensitiveValidString.in(configValues(Precision.values(), p -> p.name().toLowerCase(Locale.ROOT))),
                    Importance.MEDIUM, PRECISION_DOC)
            .define(FALLBACK_MODEL_DIR_CONFIG, Type.STRING, "", Importance.MEDIUM, FALLBACK_MODEL_DIR_DOC)
            .define(CAMERA_MAX_FPS_CONFIG, Type.DOUBLE, 0.0, Range.between(0, 1000), Importance.MEDIUM, CAMERA_MAX_FPS_DOC)
            .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 6, Range.between(1, 10_000), Importance.MEDIUM, TOPIC_PARTITIONS_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, 9400, Range.between(-1, 65535), Importance.MEDIUM, HTTP_PORT_DOC)
            .define(INTER_OP_THREADS_CONFIG, Type.INT, 0, Range.between(0, 1024), Importance.LOW, INTER_OP_THREADS_DOC)
            .define(INFERENCE_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.between(1, 600_000), Importance.LOW,
                    INFERENCE_TIMEOUT_MS_DOC)
            .define(FUTURE_TOLERANCE_MS_CONFIG, Type.LONG, 5_000L, Range.between(0, 24L * 3600 * 1000), Importance.LOW,
                    FUTURE_TOLERANCE_MS_DOC)
            .define(STARTUP_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.between(100, 3_600_000), Importance.LOW,
                    STARTUP_TIMEOUT_MS_DOC)
            .define(TOPIC_REPLICATION_CONFIG, Type.SHORT, (short) -1, replication(), Importance.LOW, TOPIC_REPLICATION_DOC)
            .define(HTTP_HOST_CONFIG, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.LOW, HTTP_HOST_DOC);

    /**
     * Named, not imported: the configuration may not depend on the topology (it is upstream of it). The class is
     * {@code io.framewise.app.topology.DeadLetterHandler}; FramewiseConfigTest checks that it exists.
     */
    static final String DEAD_LETTER_HANDLER = "io.framewise.app.topology.DeadLetterHandler";

    /** The commit interval framewise chooses under at_least_once (Kafka Streams' is 30 s there). */
    static final long AT_LEAST_ONCE_COMMIT_INTERVAL_MS = 1_000;

    /**
     * One stream thread per core, at most 4. A thread decodes and preprocesses its frames and keeps up to
     * {@code framewise.pipeline.depth} of each task's in flight, so a few of them fill the engine's batches; more only
     * add wake-ups: each thread wakes every {@code poll.ms} to forward answers, whether frames come or not. Measured
     * on 2 cores at 12 frames/s: 16 threads took 0.18-0.21 cores, 2 threads 0.10, with the same latency.
     */
    static int defaultStreamThreads(int cores) {
        return Math.max(1, Math.min(4, cores));
    }

    /** Kafka Streams settings framewise chooses unless the user sets them. */
    static Map<String, Object> streamsDefaults() {
        Map<String, Object> d = new HashMap<>();
        d.put(StreamsConfig.APPLICATION_ID_CONFIG, "framewise");
        d.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        // log-and-continue into the dead-letter topic, with dead letters that always fit and one log line each
        d.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DEAD_LETTER_HANDLER);
        d.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DEAD_LETTER_HANDLER);
        // The Kafka 5.0 default, today (the constant is already deprecated in 4.3 because 5.0 drops the switch).
        d.put("processing.exception.handler.global.enabled", true);
        // Events are small and latency-bound: send each as soon as it is ready, not after Streams' 100 ms or the
        // clients' 5 ms (Kafka 4.0's default); while a request is in flight the next events still share one. Measured
        // (1000 ms sweep at 0.5x, 5 against 0 in turns, twice): event to consumer 8.4 and 9.0 ms mean, p99 15.9 and
        // 15.9, against 4.3 and 3.6, p99 10.2 and 8.6; goodput at 2x the same within the noise.
        d.put(StreamsConfig.producerPrefix("linger.ms"), 0);
        d.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, defaultStreamThreads(Runtime.getRuntime().availableProcessors()));
        // A frame can take a while to classify on a loaded CPU; keep the poll loop alive with smaller polls.
        d.put(StreamsConfig.consumerPrefix("max.poll.records"), 100);
        // Answers of frames in flight are forwarded by a punctuation; the thread must not sit 100 ms (the default) in
        // an empty poll meanwhile.
        d.put(StreamsConfig.POLL_MS_CONFIG, 5L);
        // Each task reads one partition of one topic, so there is nothing to align by timestamp. With idling on (the
        // default 0), Kafka Streams String.formats a line about every empty partition each time it checks whether a
        // task can process, whether or not it logs it: 5% of a stream thread's CPU samples in a sweep's profile.
        d.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        return d;
    }

    private final Map<String, Object> passThrough;

    /**
     * Why {@code value} is not a valid value of setting {@code name} (its declared validator's word, e.g. "Value must
     * be no more than 86400000"), or null when it is: for the per-camera attributes that override a setting, which
     * must stay within the setting's own range.
     */
    public static String invalidReason(String name, Object value) {
        Validator validator = CONFIG.configKeys().get(name).validator;
        try {
            if (validator != null) {
                validator.ensureValid(name, value);
            }
            return null;
        } catch (ConfigException e) {
            return "is outside the setting's range " + validator;
        }
    }

    /**
     * @param properties all settings: {@code framewise.*} keys are validated here, every other key goes to Kafka
     */
    public FramewiseConfig(Map<String, ?> properties) {
        super(CONFIG, ownSettings(properties), false);
        Map<String, Object> rest = new HashMap<>(streamsDefaults());
        properties.forEach((k, v) -> {
            if (!k.startsWith(PREFIX)) {
                rest.put(k, v);
            }
        });
        rest.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, getString(DEAD_LETTER_TOPIC_CONFIG));
        // Under at_least_once a crash replays every frame since the last commit, each with a second event; Kafka
        // Streams commits every 30 s there (100 ms under exactly-once), so a kill -9 replayed up to 30 s of every camera.
        // One second bounds the replay at a cost of one offset commit per task per second.
        if (!rest.containsKey(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG) && !String.valueOf(
                rest.getOrDefault(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)).startsWith("exactly")) {
            rest.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, AT_LEAST_ONCE_COMMIT_INTERVAL_MS);
        }
        this.passThrough = Map.copyOf(rest);
        // the consumer's own default when the user sets none
        Object pollInterval = passThrough.getOrDefault(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                passThrough.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000));
        if (getLong(INFERENCE_TIMEOUT_MS_CONFIG) >= Long.parseLong(pollInterval.toString().trim())) {
            throw new ConfigException(INFERENCE_TIMEOUT_MS_CONFIG, getLong(INFERENCE_TIMEOUT_MS_CONFIG),
                    "must be below max.poll.interval.ms (" + pollInterval + "): a thread waiting that long would leave the group");
        }
        if (preferredBatchSize() > maxBatchSize()) {
            throw new ConfigException(PREFERRED_BATCH_SIZE_CONFIG, preferredBatchSize(),
                    "must be at most " + MAX_BATCH_SIZE_CONFIG + " (" + maxBatchSize() + ")");
        }
        for (String key : properties.keySet()) {
            if (key.startsWith(PREFIX) && !CONFIG.names().contains(key)) {
                String near = KafkaKeys.nearest(key, CONFIG.names());
                throw new ConfigException(key, properties.get(key), "unknown framewise setting"
                        + (near != null ? "; did you mean '" + near + "'?" : "") + " Known: "
                        + CONFIG.names().stream().sorted().collect(Collectors.joining(", ")));
            }
            if (!key.startsWith(PREFIX) && !KafkaKeys.known(key)) {
                String near = KafkaKeys.nearest(key, CONFIG.names());
                throw new ConfigException(key, properties.get(key), "unknown setting: not a framewise, Kafka Streams or "
                        + "Kafka client (consumer, producer, admin) setting, with or without Kafka Streams' client prefixes"
                        + (near != null ? "; did you mean '" + near + "'?" : ""));
            }
        }
    }

    /** Only the {@code framewise.*} settings of {@code properties}. */
    public static Map<String, Object> ownSettings(Map<String, ?> properties) {
        Map<String, Object> own = new HashMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                own.put(k, v);
            }
        });
        return own;
    }

    /**
     * The settings a plain producer, consumer or admin client should get: everything but framewise's own and the
     * Kafka Streams-only keys (a consumer would reject group.protocol=streams, for one).
     */
    public static Map<String, Object> clientSettings(Map<String, ?> properties) {
        Map<String, Object> client = new HashMap<>();
        properties.forEach((k, v) -> {
            if (!k.startsWith(PREFIX) && !isStreamsOnly(k)) {
                client.put(k, v);
            }
        });
        return client;
    }

    private static boolean isStreamsOnly(String key) {
        return key.equals(StreamsConfig.APPLICATION_ID_CONFIG) || key.equals(StreamsConfig.NUM_STREAM_THREADS_CONFIG)
                || key.equals(StreamsConfig.PROCESSING_GUARANTEE_CONFIG) || key.equals(StreamsConfig.STATE_DIR_CONFIG)
                || key.equals(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG) || key.equals(StreamsConfig.GROUP_PROTOCOL_CONFIG)
                || key.startsWith("producer.") || key.startsWith("consumer.") || key.startsWith("admin.");
    }

    /** Kafka Streams (and client) properties: framewise's defaults, the user's settings, and the DLQ topic. */
    public Map<String, Object> streamsProperties() {
        return passThrough;
    }

    public String inputTopic() {
        return getString(INPUT_TOPIC_CONFIG);
    }

    public String outputTopic() {
        return getString(OUTPUT_TOPIC_CONFIG);
    }

    public String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC_CONFIG);
    }

    public long latencyBudgetMs() {
        return getLong(LATENCY_BUDGET_MS_CONFIG);
    }

    public int topK() {
        return getInt(TOP_K_CONFIG);
    }

    public long maxPixels() {
        return getLong(DECODE_MAX_PIXELS_CONFIG);
    }

    public int metricsCamerasMax() {
        return getInt(METRICS_CAMERAS_MAX_CONFIG);
    }

    public long metricsCameraStallMs() {
        return getLong(METRICS_CAMERA_STALL_MS_CONFIG);
    }

    public double metricsCameraStallFraction() {
        return getDouble(METRICS_CAMERA_STALL_FRACTION_CONFIG);
    }

    public long metricsCameraIdleMs() {
        return getLong(METRICS_CAMERA_IDLE_MS_CONFIG);
    }

    public int videoMaxDecoders() {
        return getInt(VIDEO_MAX_DECODERS_CONFIG);
    }

    public VideoResume videoResume() {
        return VideoResume.valueOf(getString(VIDEO_RESUME_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    public long videoDecoderIdleMs() {
        return getLong(VIDEO_DECODER_IDLE_MS_CONFIG);
    }

    public String modelDir() {
        return getString(MODEL_DIR_CONFIG);
    }

    /** The delivery reserve for a frame of this budget: the setting, at most a quarter of the budget. */
    public long deliveryReserveMs(long budgetMs) {
        return Math.min(getLong(DELIVERY_RESERVE_MS_CONFIG), budgetMs / 4);
    }

    public int pipelineDepth() {
        return getInt(PIPELINE_DEPTH_CONFIG);
    }

    public BudgetPolicy budgetPolicy() {
        return BudgetPolicy.parse(getString(BUDGET_POLICY_CONFIG));
    }

    /** Port of the HTTP endpoints; -1 when they are off. */
    public int httpPort() {
        return getInt(HTTP_PORT_CONFIG);
    }

    public String httpHost() {
        return getString(HTTP_HOST_CONFIG);
    }

    public long deliveryReserveMs() {
        return getLong(DELIVERY_RESERVE_MS_CONFIG);
    }

    public int intraOpThreads() {
        return getInt(INTRA_OP_THREADS_CONFIG);
    }

    /** How many batches a model runs side by side: the setting, or one per core. */
    public int inferenceInstances() {
        int instances = getInt(INSTANCES_CONFIG);
        return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
    }

    /** TensorFlow's intra-op threads: the setting, else one per batch when several run side by side (0: TF's). */
    public int effectiveIntraOpThreads() {
        int intra = intraOpThreads();
        return intra > 0 ? intra : inferenceInstances() > 1 ? 1 : 0;
    }

    /**
     * TensorFlow's inter-op threads: the setting; else, with several instances, none: each instance's worker runs its
     * batch's operations itself ({@link InferenceOptions#CALLER_THREAD}). Measured on 2 cores (L1, batch 1, one or two
     * callers, runs alternated): never slower than a pool of one thread per instance, 0-20% faster (median 7% with one
     * caller), since an operation is not handed to a pool thread and waited for; 0 otherwise (TensorFlow's choice).
     */
    public int effectiveInterOpThreads() {
        int inter = interOpThreads();
        return inter > 0 ? inter : inferenceInstances() > 1 ? InferenceOptions.CALLER_THREAD : 0;
    }

    public int interOpThreads() {
        return getInt(INTER_OP_THREADS_CONFIG);
    }

    public int maxBatchSize() {
        return getInt(MAX_BATCH_SIZE_CONFIG);
    }

    public long maxWaitMs() {
        return getLong(MAX_WAIT_MS_CONFIG);
    }

    /** The batch size the user prefers; 0: measured by warm-up. */
    public int preferredBatchSize() {
        return getInt(PREFERRED_BATCH_SIZE_CONFIG);
    }

    public Precision precision() {
        return Precision.valueOf(getString(PRECISION_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    public long inferenceTimeoutMs() {
        return getLong(INFERENCE_TIMEOUT_MS_CONFIG);
    }

    /** The fallback model's directory; empty when there is none. */
    public String fallbackModelDir() {
        return getString(FALLBACK_MODEL_DIR_CONFIG);
    }

    /** Per-camera sampling rate; 0 when off. */
    public double cameraMaxFps() {
        return getDouble(CAMERA_MAX_FPS_CONFIG);
    }

    public long futureToleranceMs() {
        return getLong(FUTURE_TOLERANCE_MS_CONFIG);
    }

    public long startupTimeoutMs() {
        return getLong(STARTUP_TIMEOUT_MS_CONFIG);
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS_CONFIG);
    }

    /** Replication factor of created topics; -1 for the broker's default. */
    public short topicReplicationFactor() {
        return getShort(TOPIC_REPLICATION_CONFIG);
    }

    public String applicationId() {
        return String.valueOf(passThrough.get(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    /** Markdown table of every framewise setting, for the README and {@code framewise config}. */
    public static String markdownTable() {
        StringBuilder s = new StringBuilder("| key | type | default | valid values | description |\n|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
            Object def = key.hasDefault() ? key.defaultValue : "(required)";
            s.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase(Locale.ROOT)).append(" | `")
                    .append(def).append("` | ").append(key.validator == null ? "" : key.validator.toString().replace("|", "\\|"))
                    .append(" | ").append(key.documentation).append(" |\n");
        }
        return s.toString();
    }

    /** "a (what a does), b (what b does)": the documentation of an enum-valued setting, from the enum. */
    private static <E extends Enum<E>> String describe(E[] values, Function<E, String> configValue,
                                                       Function<E, String> description) {
        return Arrays.stream(values).map(v -> configValue.apply(v) + " (" + description.apply(v) + ")")
                .collect(Collectors.joining(", "));
    }

    /** The allowed values of an enum-valued setting, as the setting spells them. */
    private static <E extends Enum<E>> String[] configValues(E[] values, Function<E, String> configValue) {
        return Arrays.stream(values).map(configValue).toArray(String[]::new);
    }

    private static Validator replication() {
        return new Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                short v = (Short) value;
                if (v != -1 && v < 1) {
                    throw new ConfigException(name, value, "must be -1 (broker default) or at least 1");
                }
            }

            @Override
            public String toString() {
                return "-1 (the broker's default) or [1,...]";
            }
        };
    }
}
