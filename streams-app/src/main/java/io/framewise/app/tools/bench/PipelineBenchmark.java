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
import io.framewise.app.pipeline.InferenceService;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeReader;
import io.framewise.app.tools.client.Pacer;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Status;

/**
 * The whole path under load: K synthetic cameras publish JPEG frames (encoded before the run, so that the publisher
 * does not take the CPU being measured) at a total rate, or as fast as possible, into the running application;
 * events are read back and timed from capture to arrival at the consumer.
 */
public final class PipelineBenchmark {

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
    private final int cameras;
    private final int width;
    private final int height;

    public PipelineBenchmark(Map<String, Object> settings, Path model, int cameras, int width, int height) {
        this.settings = settings;
        this.model = model;
        this.cameras = cameras;
        this.width = width;
        this.height = height;
    }

    /**
     * @param totalFps offered frames per second over all cameras (open loop); 0 for saturation: closed loop, as fast
     *                 as the pipeline answers, with at most three batches' worth of frames in flight (flooding it
     *                 would measure how fast it skips, not how fast it classifies)
     * @param seconds  how long to publish
     */
    public Result run(double totalFps, double seconds, ProgressBar progress) throws Exception {
        return run(totalFps, seconds, progress, new AtomicLong());
    }

    /** As above, counting accounted frames in {@code accountedSoFar} as they come (for samplers). */
    public Result run(double totalFps, double seconds, ProgressBar progress, AtomicLong accountedSoFar)
            throws Exception {
        return runUntil(totalFps, seconds, Long.MAX_VALUE, progress, accountedSoFar);
    }

    /** As above, publishing at most {@code maxFrames} frames. */
    public Result runUntil(double totalFps, double seconds, long maxFrames, ProgressBar progress,
                           AtomicLong accountedSoFar) throws Exception {
        FramewiseConfig config = new FramewiseConfig(settings);
        int window = 3 * config.maxBatchSize();
        List<List<byte[]>> payloads = SyntheticCameras.encode(cameras, width, height);
        Map<String, Object> client = FramewiseConfig.clientSettings(settings);
        FrameLedger ledger = new FrameLedger();
        try (InferenceService models = InferenceService.load(config, model);
             FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60));
             FramePublisher publisher = new FramePublisher(client, config.inputTopic(), Clock.systemUTC()).withLedger(ledger);
             OutcomeReader reader = new OutcomeReader(client, config.outputTopic(), config.deadLetterTopic(), true)) {
            reader.poll(Duration.ofMillis(500)); // join the group before the clock starts
            List<Sample> samples = new ArrayList<>();
            List<LagPoint> lag = new ArrayList<>();
            Map<Status, Long> byStatus = new EnumMap<>(Status.class);
            long[] deadLettered = {0};
            long start = System.nanoTime();
            AtomicLong accountedHere = new AtomicLong();
            Thread sender = new Thread(() -> publish(publisher, payloads, totalFps, seconds, start, accountedHere, window, maxFrames),
                    "bench-publisher");
            sender.start();
            long accounted = 0;
            long lastLag = 0;
            long publishEnd = 0;
            long hardStop = start + (long) ((seconds + 120) * 1e9);
            while (System.nanoTime() < hardStop) {
                for (Outcome o : reader.poll(Duration.ofMillis(20))) {
                    ledger.outcome(o);
                    accounted++;
                    accountedHere.incrementAndGet();
                    accountedSoFar.incrementAndGet();
                    if (!o.isEvent()) {
                        deadLettered[0]++;
                        continue;
                    }
                    Classification e = o.event();
                    byStatus.merge(e.getStatus(), 1L, Long::sum);
                    double at = (System.nanoTime() - start) / 1e9;
                    double e2e = Duration.between(e.getCaptureTimestamp(), Instant.now()).toNanos() / 1e6;
                    var l = e.getLatency();
                    samples.add(new Sample(at, e2e, e.getStatus(), e.getDeadlineMet(), l.getQueueingMs(), l.getDecodeMs(),
                            l.getPreprocessMs(), l.getBatchWaitMs(), l.getInferenceMs(), e.getBatchSize()));
                }
                long now = System.nanoTime();
                if (now - lastLag > 250_000_000L) {
                    lastLag = now;
                    lag.add(new LagPoint((now - start) / 1e9, publisher.acked() - accounted));
                    String detail = String.format(Locale.ROOT, "%d published, %d accounted", publisher.acked(), accounted);
                    if (maxFrames != Long.MAX_VALUE) {
                        progress.update(accounted, detail); // a frame count is the goal: show it
                    } else {
                        progress.step(detail);
                    }
                }
                if (!sender.isAlive() && publishEnd == 0) {
                    publisher.flush();
                    publishEnd = System.nanoTime();
                }
                if (publishEnd != 0 && accounted >= publisher.acked()) {
                    break;
                }
            }
            sender.interrupt();
            double publishSeconds = ((publishEnd == 0 ? System.nanoTime() : publishEnd) - start) / 1e9;
            double drainSeconds = (System.nanoTime() - start) / 1e9 - publishSeconds;
            long classified = byStatus.getOrDefault(Status.OK, 0L);
            double lastEvent = samples.isEmpty() ? 1 : samples.get(samples.size() - 1).atSeconds();
            return new Result(publisher.acked(), deadLettered[0], byStatus, samples, lag, publishSeconds, drainSeconds,
                    publisher.acked() / publishSeconds, classified / Math.max(1e-9, lastEvent),
                    ledger.complete() && publisher.failed() == 0, ledger.verdict());
        }
    }

    private void publish(FramePublisher publisher, List<List<byte[]>> payloads, double totalFps, double seconds, long start,
                         AtomicLong accounted, int window, long maxFrames) {
        long[] sequence = new long[cameras];
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
            } else if (sent - accounted.get() >= window) {
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            int camera = (int) (sent % cameras);
            List<byte[]> frames = payloads.get(camera);
            byte[] jpeg = frames.get((int) (sequence[camera] % frames.size()));
            publisher.sendFrame("cam-" + camera, sequence[camera], Codec.JPEG, jpeg, width, height, Map.of());
            sequence[camera]++;
            sent++;
        }
    }
}
