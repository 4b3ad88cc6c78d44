package io.framewise.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.framewise.app.FramewiseApplication;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.InferenceService;
import io.framewise.app.tools.bench.Percentiles;
import io.framewise.app.tools.broker.EmbeddedKafkaBroker;
import io.framewise.app.tools.client.EventFormat;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeReader;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.ImageSource;
import io.framewise.decoder.source.ImageSources;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.export.Directories;
import io.framewise.inference.export.ModelCache;
import io.framewise.schema.Codec;
import io.framewise.schema.Status;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Everything in one process: an embedded Kafka broker, the Framewise streams application, and synthetic cameras (or your video) publishing frames; prints the classification events as they arrive and a summary. With --frames it exits 0 once every published frame is accounted for.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "-1", description = "Frames to publish in all (default: until interrupted).")
    long frames;

    @Option(names = "--cameras", defaultValue = "3", description = "Number of cameras (default ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--source", defaultValue = ImageSources.SYNTHETIC, paramLabel = "PATH",
            description = "What every camera films: 'synthetic' (default), a video file, an image directory, or a stream URL.")
    String source;

    @Option(names = "--json", description = "Print events as JSON lines instead of a table.")
    boolean json;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory (default: EfficientFormer-L1, exported on first use into the cache).")
    Path model;

    @Option(names = "--weights", paramLabel = "FILE.safetensors",
            description = "ImageNet weights of EfficientFormer-L1 for the default model (default: $FRAMEWISE_CACHE/weights/efficientformer_l1.safetensors if present, else seeded random weights).")
    Path weights;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names for --weights (default: imagenet-1k-labels.txt beside the weights).")
    Path labels;

    @Option(names = "--fps", defaultValue = "10", description = "Frames per second per camera; 0 for as fast as possible (default ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--size", defaultValue = "640x480", description = "Size of the synthetic scene (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the broker and Streams keep data (default: a temporary directory).")
    Path dataDir;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any framewise or Kafka Streams setting (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--timeout", defaultValue = "180",
            description = "Seconds to wait for the last events after publishing ends (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    private final Map<Status, Long> byStatus = new EnumMap<>(Status.class);
    private final List<Double> totals = new ArrayList<>();
    private long deadLettered;

    @Override
    public Integer call() throws Exception {
        if (cameras < 1) {
            throw new CliException("--cameras must be at least 1", "pass --cameras 1 or more");
        }
        int[] wh = PublishCommand.parseSize(size);
        boolean temporary = dataDir == null;
        Path data = temporary ? Files.createTempDirectory("framewise-demo-") : dataDir;
        CountDownLatch stop = Signals.terminationLatch();
        Path modelDir = model != null ? model : ModelCache.demoModel(weights, labels);
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(data.resolve("kafka"), 0).start()) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("bootstrap.servers", broker.bootstrapServers());
            settings.put("application.id", "framewise-demo");
            settings.put("state.dir", data.resolve("streams").toString());
            settings.put(FramewiseConfig.TOPIC_PARTITIONS_CONFIG, String.valueOf(Math.max(3, cameras)));
            settings.putAll(overrides);
            FramewiseConfig config = new FramewiseConfig(settings);
            try (InferenceService models = InferenceService.load(config, modelDir);
                 FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60))) {
                describeModel(models.primary().classifier().metadata(), modelDir);
                Map<String, Object> client = FramewiseConfig.clientSettings(settings);
                return runCameras(config, client, wh, stop, app);
            }
        } finally {
            if (temporary) {
                Directories.deleteQuietly(data);
            }
        }
    }

    private int runCameras(FramewiseConfig config, Map<String, Object> client, int[] wh, CountDownLatch stop,
                           FramewiseApplication app) throws Exception {
        long startNanos = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(cameras, r -> new Thread(r, "camera"));
        FrameLedger ledger = new FrameLedger();
        try (FramePublisher publisher = new FramePublisher(client, config.inputTopic(), Clock.systemUTC()).withLedger(ledger);
             OutcomeReader reader = new OutcomeReader(client, config.outputTopic(), config.deadLetterTopic(), true)) {
            List<Future<Long>> publishing = new ArrayList<>();
            ImageEncoder encoder = new ImageEncoder(Codec.JPEG, 90);
            for (int i = 0; i < cameras; i++) {
                int index = i;
                long share = frames < 0 ? -1 : frames / cameras + (i < frames % cameras ? 1 : 0);
                String camera = "cam-" + (i + 1);
                publishing.add(pool.submit(() -> {
                    try (ImageSource images = ImageSources.open(source, index, camera, wh[0], wh[1], share)) {
                        if (index == 0) {
                            System.err.println("framewise demo: " + cameras + " camera(s) filming " + images.describe()
                                    + (fps > 0 ? " at " + fps + " fps each" : ", as fast as possible"));
                        }
                        return publisher.publish(camera, images, encoder, fps, 0, Map.of(), null);
                    }
                }));
            }
            if (!json) {
                System.out.println(EventFormat.header());
            }
            long accounted = 0;
            long deadline = Long.MAX_VALUE;
            boolean publishingDone = false;
            while (true) {
                for (Outcome o : reader.poll(Duration.ofMillis(100))) {
                    record(o);
                    ledger.outcome(o);
                    accounted++;
                }
                System.out.flush();
                if (!publishingDone && (publishing.stream().allMatch(Future::isDone) || stop.getCount() == 0)) {
                    publishingDone = true;
                    publishing.forEach(f -> f.cancel(true));
                    publisher.flush();
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(stop.getCount() == 0 ? 10 : timeoutSeconds);
                    for (Future<Long> f : publishing) {
                        reportPublishFailure(f);
                    }
                }
                if (publishingDone && accounted >= publisher.acked()) {
                    break;
                }
                if (System.nanoTime() > deadline || !app.isAlive()) {
                    break;
                }
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            boolean complete = ledger.complete() && publisher.failed() == 0;
            printSummary(publisher, ledger, seconds, complete);
            return complete ? 0 : FramewiseCli.EXIT_FAILURE;
        } finally {
            pool.shutdownNow();
        }
    }

    private void record(Outcome o) {
        if (o.isEvent()) {
            byStatus.merge(o.event().getStatus(), 1L, Long::sum);
            if (o.event().getStatus() == Status.OK) {
                totals.add(o.event().getLatency().getTotalMs());
            }
        } else {
            deadLettered++;
        }
        System.out.println(EventFormat.format(o, json));
    }

    private static void reportPublishFailure(Future<Long> f) {
        if (f.isCancelled()) {
            return;
        }
        try {
            f.get();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("framewise demo: a camera stopped: " + cause.getMessage());
        }
    }

    private void printSummary(FramePublisher publisher, FrameLedger ledger, double seconds, boolean complete) {
        String statuses = byStatus.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        long events = byStatus.values().stream().mapToLong(Long::longValue).sum();
        Percentiles p = Percentiles.of(totals.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.println();
        System.out.printf(Locale.ROOT, "Summary: published %d frames from %d camera(s) in %.1f s; events %d (%s); "
                + "dead-lettered %d; capture-to-event latency %s; %s%n", publisher.acked(), cameras, seconds, events,
                statuses.isEmpty() ? "none" : statuses, deadLettered, p,
                ledger.verdict() + (publisher.failed() > 0 ? " (" + publisher.failed() + " failed to publish: "
                        + publisher.firstError() + ")" : "") + ".");
    }

    private static void describeModel(ModelMetadata m, Path dir) {
        System.err.println("framewise demo: model " + m.name() + " " + m.version() + " from " + dir + " ("
                + m.preprocessSpec().height() + "x" + m.preprocessSpec().width() + " input, " + m.numClasses() + " classes)");
        if (m.untrained()) {
            System.err.println("framewise demo: NOTE the model has random weights (" + m.weights()
                    + "): the pipeline is real, the labels are not meaningful.");
        }
    }

}
