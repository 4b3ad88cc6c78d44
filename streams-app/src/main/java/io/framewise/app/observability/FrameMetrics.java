package io.framewise.app.observability;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.inference.serving.ModelTag;
import io.framewise.inference.serving.SkipReason;
import io.framewise.schema.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Framewise's own meters, one naming scheme ({@code framewise_*}, base units in the name), listed in the README:
 * <ul>
 *   <li>{@code framewise_events_total{status,model,precision}}: events written, by status;</li>
 *   <li>{@code framewise_goodput_frames_total{model,precision}}: frames classified within their budget;</li>
 *   <li>{@code framewise_deadline_misses_total{model,precision}}: frames classified after their deadline;</li>
 *   <li>{@code framewise_dead_letters_total}: frames that failed once in flight (frames refused on arrival are
 *       Kafka Streams' {@code kafka_stream_task_dropped_records_total});</li>
 *   <li>{@code framewise_stage_latency_seconds{stage}}: a histogram per stage (queueing, decode, preprocess,
 *       batch_wait, inference, total), so that percentiles aggregate across instances with
 *       {@code histogram_quantile(0.99, sum by (le) (rate(..._bucket[5m])))};</li>
 *   <li>{@code framewise_batch_size{model,precision}}: a histogram of the batch each classified frame ran in;</li>
 *   <li>{@code framewise_camera_*{camera}}: each camera's frames, outcomes, latency, rate and stalls, bounded
 *       ({@link CameraMeters}).</li>
 * </ul>
 * Meters are shared by every stream thread and task of the instance (a registry returns the existing meter for the
 * same name and tags), so counters are per instance.
 */
public final class FrameMetrics implements AutoCloseable {
    /**
     * The key under which the application hands this object to Kafka Streams' exception handlers through the streams
     * configuration (its values may be objects), so that a record refused on arrival counts for its camera.
     */
    public static final String CONFIG_KEY = "framewise.internal.frame.metrics";
    /** The frame attribute a publisher may set to declare its camera's frame rate (frames per second). */
    public static final String DECLARED_FPS_ATTRIBUTE = CameraRate.DECLARED_FPS_ATTRIBUTE;

    /** Stages of a frame's latency, as in the event's {@code LatencyBreakdown}. */
    public enum Stage {
        QUEUEING, DECODE, PREPROCESS, BATCH_WAIT, INFERENCE, TOTAL;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final Duration[] LATENCY_BUCKETS = LongStream.of(1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 200,
            300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10_000, 30_000, 60_000).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final Counter deadLetters;
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);
    private final CameraMeters cameras;
    private ScheduledExecutorService checks;
    /** Each model's meters, found by its tag (a small value: observability needs nothing else of the model). */
    private final Map<ModelTag, ModelMeters> models = new ConcurrentHashMap<>();

    /** The meters of one model: its events by status, goodput, misses and batch sizes, all labelled alike. */
    private static final class ModelMeters {
        final Map<Status, Counter> events = new EnumMap<>(Status.class);
        final Counter goodput;
        final Counter misses;
        final DistributionSummary batchSize;

        ModelMeters(MeterRegistry registry, ModelTag model) {
            Tags tags = Tags.of("model", model.name(), "precision", model.precision());
            for (Status status : Status.values()) {
                if (status != Status.UNKNOWN) {
                    events.put(status, Counter.builder("framewise.events").description("Events written, by status")
                            .tags(tags).tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry));
                }
            }
            goodput = Counter.builder("framewise.goodput.frames")
                    .description("Frames classified within their latency budget").tags(tags).register(registry);
            misses = Counter.builder("framewise.deadline.misses")
                    .description("Frames classified after their deadline").tags(tags).register(registry);
            batchSize = DistributionSummary.builder("framewise.batch.size")
                    .description("Inference batch size of each classified frame").tags(tags)
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256).register(registry);
        }
    }

    /** With the default bound of per-camera series ({@link CameraMeters}). */
    public FrameMetrics(MeterRegistry registry) {
        this(registry, FramewiseConfig.DEFAULT_METRICS_CAMERAS_MAX, FramewiseConfig.DEFAULT_METRICS_CAMERA_IDLE_MS);
    }

    public FrameMetrics(MeterRegistry registry, int maxCameras, long cameraIdleMs) {
        this(registry, maxCameras, cameraIdleMs, FramewiseConfig.DEFAULT_METRICS_CAMERA_STALL_MS,
                FramewiseConfig.DEFAULT_METRICS_CAMERA_STALL_FRACTION);
    }

    public FrameMetrics(MeterRegistry registry, int maxCameras, long cameraIdleMs, long stallMs, double stallFraction) {
        this.registry = registry;
        this.cameras = new CameraMeters(registry, maxCameras, cameraIdleMs * 1_000_000L, stallMs * 1_000_000L,
                stallFraction, System::nanoTime);
        this.deadLetters = Counter.builder("framewise.dead.letters")
                .description("Frames dead-lettered after they were admitted (failed in flight)").register(registry);
        for (Stage stage : Stage.values()) {
            // Fixed buckets, the same on every instance so that they add up: 22 from 1 ms to 60 s, dense where
            // budgets usually are (50 ms to 2 s). Micrometer's own ladder would be 74 per stage, a third of a scrape.
            stages.put(stage, Timer.builder("framewise.stage.latency")
                    .description("Per-frame latency of one stage; total runs from the capture timestamp to the event")
                    .tag("stage", stage.tag())
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry));
        }
    }

    /**
     * Creates the meters of a model at zero, before its first frame: a counter that appears only with its first
     * increment makes rate() and ratios over it return nothing, and alerts on it stay silent.
     */
    public void model(ModelTag model) {
        meters(model);
    }

    /**
     * An event was written with {@code status}, for a frame of {@code camera} served by {@code model},
     * {@code totalMs} after its capture.
     */
    public void event(String camera, Status status, ModelTag model, double totalMs) {
        meters(model).events.get(status).increment();
        cameras.event(camera, status, totalMs);
    }

    /** A frame of {@code camera} was skipped for {@code reason} (its event is counted by {@link #event}). */
    public void skipped(String camera, SkipReason reason) {
        cameras.skipped(camera, reason);
    }

    /**
     * A frame of {@code camera} reached a task of input {@code partition}.
     *
     * @param declaredFps the frame's {@code framewise.camera.fps} attribute, or null
     */
    public void arrived(String camera, int partition, long captureMicros, String declaredFps) {
        cameras.arrived(camera, partition, captureMicros, declaredFps);
    }

    /** A record keyed {@code camera} was refused on arrival and dead-lettered by Kafka Streams' handler. */
    public void refused(String camera) {
        cameras.refused(camera);
    }

    /** The task of input {@code partition} closed on this instance (rebalanced away, or stopping). */
    public void partitionClosed(int partition) {
        cameras.partitionClosed(partition);
    }

    /**
     * Starts judging the cameras against their rates once a second, with the lag of each input partition on this
     * instance from {@code lags} (records; read once per check). Stopped by {@link #close()}.
     */
    public synchronized void startStallChecks(Supplier<Map<Integer, Long>> lags) {
        cameras.partitionLags(lags);
        if (checks == null) {
            checks = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "framewise-camera-checks");
                t.setDaemon(true);
                return t;
            });
            checks.scheduleAtFixedRate(cameras::check, 1, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (checks != null) {
            checks.shutdownNow();
            checks = null;
        }
    }

    /** A frame was classified, in a batch of {@code batch}, within its budget or not. */
    public void classified(ModelTag model, int batch, boolean deadlineMet) {
        ModelMeters m = meters(model);
        (deadlineMet ? m.goodput : m.misses).increment();
        m.batchSize.record(batch);
    }

    private ModelMeters meters(ModelTag model) {
        return models.computeIfAbsent(model, m -> new ModelMeters(registry, m));
    }

    public void stage(Stage stage, double ms) {
        stages.get(stage).record((long) (ms * 1e6), TimeUnit.NANOSECONDS);
    }

    /** A frame failed once in flight and was dead-lettered (its reason is in the dead letter's headers). */
    public void deadLetter(String camera) {
        cameras.deadLetter(camera);
        deadLetters.increment();
    }
}
