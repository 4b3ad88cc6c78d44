package io.framewise.app.tools.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.framewise.app.FramewiseApplication;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.OutcomeCollector;
import io.framewise.app.tools.client.Pacer;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Status;

/**
 * The whole path under load: K synthetic cameras publish JPEG frames (encoded before the run, so that the publisher
 * does not take the CPU being measured) at a total rate, or as fast as possible, into the running application;
 * events are read back and timed from capture to arrival at the consumer.
 */
public final class PipelineMeasurement {

    /** One event as seen by the consumer. */
    public record Sample(double atSeconds, double endToEndMs, Status status, boolean deadlineMet, double queueingMs,
                        double decodeMs, double preprocessMs, double batchWaitMs, double inferenceMs, int batchSize) {
    }

    /** Frames published but not yet accounted for, over time. */
    public record LagPoint(double atSeconds, long backlog) {
    }

    /** @param complete every published frame matched to exactly one outcome ({@link FrameLedger}); the verdict says it */
    public record Result(long published, long deadLettered, Map<Status, Long> byStatus, List<Sample> samples,
                         List<LagPoint> lag, double publishSeconds, double drainSeconds, double offeredFps,
                         double classifiedPerSecond, boolean complete, String accounting) {
    }

    private final Map<String, Object> settings;
    private final Path model;
    private final SyntheticCameras cameras;

    public PipelineMeasurement(Map<String, Object> settings, Path model, SyntheticCameras cameras) {
        this.settings = settings;
        this.model = model;
        this.cameras = cameras;
    }

    /**
     * @param totalFps offered frames per second over all cameras (open loop); 0 for saturation: closed loop, as fast
     *                 as the pipeline answers, with at most three batches' worth of frames in flight (flooding it
     *                 would measure how fast it skips, not how fast it classifies)
     * @param seconds  how long to publish
     */
    public Result run(double totalFps, double seconds, ProgressBar progress) throws Exception {
        return run(totalFps, seconds, Long.MAX_VALUE, progress, new AtomicLong());
    }

    /**
     * As above, publishing at most {@code maxFrames} frames and counting accounted frames in {@code accountedSoFar}
     * as they come (for samplers).
     */
    public Result run(double totalFps, double seconds, long maxFrames, ProgressBar progress, AtomicLong accountedSoFar)
            throws Exception {
        FramewiseConfig config = new FramewiseConfig(settings);
        int window = 3 * config.maxBatchSize();
        List<List<byte[]>> payloads = cameras.encode();
        Map<String, Object> client = FramewiseConfig.clientSettings(settings);
        FrameLedger ledger = new FrameLedger();
        List<Sample> samples = new ArrayList<>();
        Map<Status, Long> byStatus = new EnumMap<>(Status.class);
        long[] deadLettered = {0};
        List<LagPoint> lag = new ArrayList<>();
        lag.add(new LagPoint(0, 0));
        long start;
        long publishEnd;
        long acked;
        boolean publishedAll;
        try (ServedModels models = ModelLoader.load(config, model);
             FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60));
             FramePublisher publisher = new FramePublisher(client, config.inputTopic(), Clock.systemUTC()).withLedger(ledger)) {
            long origin = System.nanoTime();
            start = origin;
            OutcomeCollector collector = new OutcomeCollector(client, config.outputTopic(), config.deadLetterTopic(), true,
                    ledger, o -> {
                        accountedSoFar.incrementAndGet();
                        if (!o.isEvent()) {
                            deadLettered[0]++;
                            return;
                        }
                        Classification e = o.event();
                        byStatus.merge(e.getStatus(), 1L, Long::sum);
                        double e2e = Duration.between(e.getCaptureTimestamp(), Instant.now()).toNanos() / 1e6;
                        var l = e.getLatency();
                        samples.add(new Sample((System.nanoTime() - origin) / 1e9, e2e, e.getStatus(), e.getDeadlineMet(),
                                l.getQueueingMs(), l.getDecodeMs(), l.getPreprocessMs(), l.getBatchWaitMs(), l.getInferenceMs(),
                                e.getBatchSize()));
                    });
            try {
                Thread sender = new Thread(() -> publish(publisher, payloads, totalFps, seconds, origin, ledger, window, maxFrames),
                        "bench-publisher");
                sender.start();
                while (sender.isAlive()) {
                    sender.join(250);
                    lag.add(new LagPoint((System.nanoTime() - origin) / 1e9, ledger.missing()));
                    String detail = String.format(Locale.ROOT, "%d published, %d accounted", ledger.published(), ledger.accounted());
                    if (maxFrames != Long.MAX_VALUE) {
                        progress.update(ledger.accounted(), detail); // a frame count is the goal: show it
                    } else {
                        progress.step(detail);
                    }
                }
                publisher.flush();
                publishEnd = System.nanoTime();
                publishedAll = collector.await(() -> {
                    double at = (System.nanoTime() - origin) / 1e9;
                    if (at - lag.get(lag.size() - 1).atSeconds() >= 0.25) {
                        lag.add(new LagPoint(at, ledger.missing()));
                    }
                    return ledger.missing() == 0;
                }, Duration.ofSeconds(120), () -> !app.isAlive()) && publisher.failed() == 0;
                acked = publisher.acked();
            } finally {
                collector.close();
            }
        }
        double publishSeconds = (publishEnd - start) / 1e9;
        double drainSeconds = (System.nanoTime() - start) / 1e9 - publishSeconds;
        long classified = byStatus.getOrDefault(Status.OK, 0L);
        double lastEvent = samples.isEmpty() ? 1 : samples.get(samples.size() - 1).atSeconds();
        return new Result(acked, deadLettered[0], byStatus, samples, lag, publishSeconds, drainSeconds, acked / publishSeconds,
                classified / Math.max(1e-9, lastEvent), publishedAll && ledger.complete(), ledger.verdict());
    }

    private void publish(FramePublisher publisher, List<List<byte[]>> payloads, double totalFps, double seconds, long start,
                         FrameLedger ledger, int window, long maxFrames) {
        long[] sequence = new long[cameras.count()];
        long sent = 0;
        long end = start + (long) (seconds * 1e9);
        Pacer pacer = new Pacer(totalFps, start);
        while (System.nanoTime() < end && sent < maxFrames && !Thread.currentThread().isInterrupted()) {
            if (totalFps > 0) {
                try {
                    pacer.awaitFrame(sent);
                } catch (InterruptedException e) {
                    return;
                }
            } else if (sent - ledger.accounted() >= window) {
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            int camera = (int) (sent % cameras.count());
            List<byte[]> frames = payloads.get(camera);
            int index = (int) (sequence[camera] % frames.size());
            publisher.sendFrame(SyntheticCameras.id(camera), sequence[camera], cameras.codec(), frames.get(index), cameras.width(),
                    cameras.height(), cameras.keyframe(index), publisher.now(), Map.of());
            sequence[camera]++;
            sent++;
        }
    }
}
