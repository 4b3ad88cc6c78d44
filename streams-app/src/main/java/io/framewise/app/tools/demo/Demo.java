package io.framewise.app.tools.demo;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.framewise.app.FramewiseApplication;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.tools.bench.Percentiles;
import io.framewise.app.tools.broker.EmbeddedKafkaBroker;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeCollector;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.ImageSource;
import io.framewise.decoder.source.ImageSources;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.export.Directories;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Codec;
import io.framewise.schema.Status;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Everything in one process: an embedded broker, the application, and cameras publishing frames, every outcome
 * handed to a listener as it arrives, until every published frame is accounted for (or the stop latch, or the
 * timeout). Returns what it saw; {@code framewise demo} prints it.
 */
public final class Demo {
    private final DemoOptions options;
    private final PrintWriter log;

    /** @param log where progress notes go (the model used, the cameras started, a camera that stopped) */
    public Demo(DemoOptions options, PrintWriter log) {
        this.options = options;
        this.log = log;
    }

    public DemoReport run(CountDownLatch stop, Consumer<Outcome> outcomes) throws Exception {
        boolean temporary = options.dataDir() == null;
        Path data = temporary ? Files.createTempDirectory("framewise-demo-") : options.dataDir();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(data.resolve("kafka"), 0).start()) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("bootstrap.servers", broker.bootstrapServers());
            settings.put("application.id", "framewise-demo");
            settings.put("state.dir", data.resolve("streams").toString());
            settings.put(FramewiseConfig.TOPIC_PARTITIONS_CONFIG, String.valueOf(Math.max(3, options.cameras())));
            settings.putAll(options.overrides());
            FramewiseConfig config = new FramewiseConfig(settings);
            try (ServedModels models = ModelLoader.load(config, options.modelDir());
                 FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60))) {
                describeModel(models.primary().metadata(), options.modelDir());
                double fps = options.fps() >= 0 ? options.fps() : chooseFps(config, models);
                return runCameras(config, FramewiseConfig.clientSettings(settings), stop, app, outcomes, fps);
            }
        } finally {
            if (temporary) {
                Directories.deleteQuietly(data);
            }
        }
    }

    private DemoReport runCameras(FramewiseConfig config, Map<String, Object> client, CountDownLatch stop,
                                  FramewiseApplication app, Consumer<Outcome> outcomes, double fps) throws Exception {
        long startNanos = System.nanoTime();
        int cameras = options.cameras();
        ExecutorService pool = Executors.newFixedThreadPool(cameras, r -> new Thread(r, "camera"));
        FrameLedger ledger = new FrameLedger();
        Map<Status, Long> byStatus = new EnumMap<>(Status.class);
        List<Double> latencies = new ArrayList<>();
        long[] deadLettered = {0};
        long acked;
        long failed;
        String firstError;
        try (FramePublisher publisher = new FramePublisher(client, config.inputTopic(), Clock.systemUTC()).withLedger(ledger)) {
            OutcomeCollector collector = new OutcomeCollector(client, config.outputTopic(), config.deadLetterTopic(), true, ledger,
                    o -> {
                        if (o.isEvent()) {
                            byStatus.merge(o.event().getStatus(), 1L, Long::sum);
                            if (o.event().getStatus() == Status.OK) {
                                latencies.add(o.event().getLatency().getTotalMs());
                            }
                        } else {
                            deadLettered[0]++;
                        }
                        outcomes.accept(o);
                    });
            try {
                List<Future<Long>> publishing = startCameras(publisher, pool, fps);
                BooleanSupplier interrupted = () -> stop.getCount() == 0 || !app.isAlive();
                while (!publishing.stream().allMatch(Future::isDone) && !interrupted.getAsBoolean()) {
                    Thread.sleep(100);
                }
                publishing.forEach(f -> f.cancel(true));
                publisher.flush();
                publishing.forEach(this::reportPublishFailure);
                // After Ctrl-C, a short wait for what is in flight; otherwise until every frame is accounted for.
                Duration drain = stop.getCount() == 0 ? Duration.ofSeconds(10) : options.drainTimeout();
                collector.awaitAccounted(drain, Duration.ZERO, () -> !app.isAlive());
            } finally {
                collector.close();
            }
            acked = publisher.acked();
            failed = publisher.failed();
            firstError = publisher.firstError();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new DemoReport(acked, cameras, seconds, byStatus, deadLettered[0],
                Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()), ledger.verdict(), failed,
                firstError, ledger.complete() && failed == 0);
    }

    /** One thread per camera, each publishing its share of the frames (or until cancelled). */
    private List<Future<Long>> startCameras(FramePublisher publisher, ExecutorService pool, double fps) {
        int cameras = options.cameras();
        List<Future<Long>> publishing = new ArrayList<>();
        ImageEncoder encoder = new ImageEncoder(Codec.JPEG, 90);
        long frames = options.frames();
        for (int i = 0; i < cameras; i++) {
            int index = i;
            long share = frames < 0 ? -1 : frames / cameras + (i < frames % cameras ? 1 : 0);
            String camera = "cam-" + (i + 1);
            publishing.add(pool.submit(() -> {
                try (ImageSource images = ImageSources.open(options.source(), index, camera, options.width(),
                        options.height(), share)) {
                    if (index == 0) {
                        log.println("framewise demo: " + cameras + " camera(s) filming " + images.describe()
                                + (fps > 0 ? " at " + fps + " fps each" : ", as fast as possible"));
                        log.flush();
                    }
                    return publisher.publish(camera, images, encoder, fps, 0, Map.of(), null);
                }
            }));
        }
        return publishing;
    }

    /** The rate per camera this machine carries ({@link DemoLoad}), said with its reasons. */
    private double chooseFps(FramewiseConfig config, ServedModels models) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = config.effectiveIntraOpThreads() > 0 ? config.effectiveIntraOpThreads() : cores;
        DemoLoad.Choice choice = DemoLoad.choose(models.primary().frameCost(System.nanoTime()), threads,
                cameraFrameNanos(), cores, options.cameras());
        log.printf(Locale.ROOT, "framewise demo: %.1f fps per camera (%s; --fps sets the rate)%n",
                choice.fpsPerCamera(), choice.why());
        log.flush();
        return choice.fpsPerCamera();
    }

    /**
     * What one camera frame costs to render and encode here, in CPU time: the median of a few synthetic frames of the
     * demo's size, after one to warm up (ns). Always the synthetic scene, never the user's source: a webcam or an RTSP
     * camera would be opened a second time (a second connection, seconds on some cameras), and timing a live source
     * measures its frame interval, not the CPU a frame costs.
     */
    private long cameraFrameNanos() throws Exception {
        ImageEncoder encoder = new ImageEncoder(Codec.JPEG, 90);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        LongSupplier clock = cpu.isCurrentThreadCpuTimeSupported() ? cpu::getCurrentThreadCpuTime : System::nanoTime;
        long[] took = new long[5];
        int n = 0;
        try (ImageSource images = ImageSources.open(ImageSources.SYNTHETIC, 0, "cam-probe", options.width(),
                options.height(), took.length + 1)) {
            for (int i = 0; i <= took.length; i++) {
                long t0 = clock.getAsLong();
                Mat frame = images.next();
                if (frame == null) {
                    break;
                }
                encoder.encode(frame);
                if (i > 0) {
                    took[n++] = clock.getAsLong() - t0;
                }
            }
        }
        if (n == 0) {
            return 0;
        }
        long[] measured = Arrays.copyOf(took, n);
        Arrays.sort(measured);
        return measured[n / 2];
    }

    private void reportPublishFailure(Future<Long> f) {
        if (f.isCancelled()) {
            return;
        }
        try {
            f.get();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            log.println("framewise demo: a camera stopped: " + cause.getMessage());
            log.flush();
        }
    }

    private void describeModel(ModelMetadata m, Path dir) {
        log.println("framewise demo: model " + m.name() + " " + m.version() + " from " + dir + " ("
                + m.preprocessSpec().height() + "x" + m.preprocessSpec().width() + " input, " + m.numClasses() + " classes)");
        if (m.untrained()) {
            log.println("framewise demo: NOTE the model has random weights (" + m.weights()
                    + "): the pipeline is real, the labels are not meaningful.");
        }
        log.flush();
    }
}
