package io.framewise.app.tools.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.framewise.app.FramewiseApplication;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeCollector;
import io.framewise.app.tools.client.Pacer;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Frame;
import io.framewise.schema.Status;
import io.framewise.schema.serde.FramewiseSerdes;

/**
 * Capacity, measured open loop: one running instance (started and warmed as {@code framewise run} does) is offered
 * frames at fixed rates, one load point after another, while a consumer times each frame from capture to arrival of
 * its event. A point's figures are its steady state: frames captured in its first {@code warmupSeconds} are excluded
 * (they meet the queues the previous point left). Before the points, a cold-start phase offers half the model's
 * throughput from the moment the instance is RUNNING, and is reported on its own.
 *
 * <p>Every published frame is matched to exactly one event or dead letter (by camera and sequence; a dead letter by
 * the frame in its original value): a point is accounted for only if none is missing and none is duplicated.
 */
public final class SweepMeasurement {

    /**
     * One load point to offer.
     *
     * @param neighbour offered beside the benchmark's noisy neighbour ({@link Neighbour})
     */
    public record Point(String name, double multiple, double offeredFps, double seconds, double warmupSeconds,
                        boolean neighbour) {
    }

    /** One second of a point, by capture time. */
    public record Second(int second, int offered, int classified, int withinBudget, int skipped, double p99Ms) {
    }

    /** A point's steady-state figures, its time series, and its per-frame accounting. */
    public record PointResult(Point point, long published, long missing, long duplicates, long deadLettered,
                              Map<Status, Long> steadyByStatus, double goodputFps, double classifiedFps, double skipRate,
                              double p50Ms, double p99Ms, double maxMs, double meanBatch, List<Second> series,
                              Map<String, double[]> profileMeanP99, Map<String, Long> skipReasons,
                              Map<ProcessCpu.Role, Double> cpuCores) {
        public boolean accounted() {
            return missing == 0 && duplicates == 0;
        }
    }

    /** What a frame became, as the consumer saw it. */
    private record Seen(double captureSeconds, double endToEndMs, Status status, int batchSize, double[] stages,
                        String skipReason) {
    }

    /** Where a classified frame's time went, in the order of {@link #STAGES}. */
    public static final List<String> STAGES = List.of("capture->processor", "decode+preprocess", "batch wait", "inference",
            "processor total", "event->consumer");

    private final Map<String, Object> settings;
    private final Path model;
    private final SyntheticCameras cameras;

    public SweepMeasurement(Map<String, Object> settings, Path model, SyntheticCameras cameras) {
        this.settings = settings;
        this.model = model;
        this.cameras = cameras;
    }

    /** Runs the cold-start phase (if {@code cold} is not null) and then every point, in order. */
    public List<PointResult> run(Point cold, List<Point> points, ProgressBar progress) throws Exception {
        return run(cold, points, null, progress);
    }

    /** As above; the points marked {@code neighbour} are offered while {@code neighbour} takes its CPU. */
    public List<PointResult> run(Point cold, List<Point> points, Neighbour neighbour, ProgressBar progress) throws Exception {
        FramewiseConfig config = new FramewiseConfig(settings);
        long budgetMs = config.latencyBudgetMs();
        List<List<byte[]>> payloads = cameras.encode();
        Map<String, Object> client = FramewiseConfig.clientSettings(settings);
        Map<String, Seen> outcomes = new ConcurrentHashMap<>();
        FrameLedger ledger = new FrameLedger();
        long[] sequence = new long[cameras.count()];
        List<PointResult> results = new ArrayList<>();
        ProcessCpu cpu = new ProcessCpu(config.applicationId());
        try (ServedModels models = ModelLoader.load(config, model);
             FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(120));
             FramePublisher publisher = new FramePublisher(client, config.inputTopic(), Clock.systemUTC()).withLedger(ledger)) {
            Instant origin = Instant.now();
            OutcomeCollector collector = new OutcomeCollector(client, config.outputTopic(), config.deadLetterTopic(), true,
                    ledger, o -> record(o, origin, outcomes));
            try {
                List<Point> all = new ArrayList<>();
                if (cold != null) {
                    all.add(cold);
                }
                all.addAll(points);
                for (Point p : all) {
                    progress.step(p.name() + ": offering " + Math.round(p.offeredFps()) + " frames/s");
                    if (neighbour != null) {
                        neighbour.active(p.neighbour());
                    }
                    double startSeconds = Duration.between(origin, Instant.now()).toNanos() / 1e9;
                    ProcessCpu.Snapshot before = cpu.snapshot();
                    List<String> keys = publish(publisher, payloads, sequence, p);
                    publisher.flush();
                    collector.await(() -> keys.stream().allMatch(k -> ledger.outcomes(k) > 0), Duration.ofSeconds(60),
                            () -> !app.isAlive());
                    Map<ProcessCpu.Role, Double> cores = cpu.between(before, cpu.snapshot());
                    results.add(summarise(p, startSeconds, keys, outcomes, ledger, budgetMs, cores));
                    Thread.sleep(1000); // let the queues empty between points
                }
            } finally {
                collector.close();
            }
        }
        return results;
    }

    /** What the consumer saw of one frame; the first outcome of a frame is kept (the ledger counts the others). */
    private static void record(Outcome o, Instant origin, Map<String, Seen> outcomes) {
        Instant now = Instant.now();
        String key;
        Seen seen;
        if (o.isEvent()) {
            Classification e = o.event();
            key = FrameLedger.key(e.getCameraId(), e.getSequence());
            double endToEnd = Duration.between(e.getCaptureTimestamp(), now).toNanos() / 1e6;
            var l = e.getLatency();
            double processor = l.getTotalMs() - l.getQueueingMs();
            double[] stages = {l.getQueueingMs(), l.getDecodeMs() + l.getPreprocessMs(), l.getBatchWaitMs(),
                l.getInferenceMs(), processor, endToEnd - l.getTotalMs()};
            String note = e.getNote();
            String reason = note != null && note.startsWith("skipped: ")
                    ? note.substring("skipped: ".length()).split(";")[0] : e.getStatus() == Status.OK ? null : e.getStatus().name();
            seen = new Seen(Duration.between(origin, e.getCaptureTimestamp()).toNanos() / 1e9, endToEnd, e.getStatus(),
                    e.getBatchSize(), stages, reason);
        } else {
            Frame f;
            try {
                f = FramewiseSerdes.frame().decode(o.deadLetter().value());
            } catch (RuntimeException notAFrame) {
                return; // the ledger counts it as unmatched
            }
            key = FrameLedger.key(f.getCameraId(), f.getSequence());
            seen = new Seen(Duration.between(origin, f.getCaptureTimestamp()).toNanos() / 1e9, Double.NaN, null, 0, null, null);
        }
        outcomes.putIfAbsent(key, seen);
    }

    /** Publishes at the point's rate (paced on a schedule, not on answers: open loop); returns the frames' keys. */
    private List<String> publish(FramePublisher publisher, List<List<byte[]>> payloads, long[] sequence, Point p)
            throws InterruptedException {
        List<String> keys = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (p.seconds() * 1e9);
        Pacer pacer = new Pacer(p.offeredFps(), start);
        long sent = 0;
        while (true) {
            if (pacer.dueNanos(sent) >= end) {
                return keys;
            }
            pacer.awaitFrame(sent);
            int camera = (int) (sent % cameras.count());
            List<byte[]> frames = payloads.get(camera);
            long seq = sequence[camera]++;
            String id = SyntheticCameras.id(camera);
            int index = (int) (seq % frames.size());
            publisher.sendFrame(id, seq, cameras.codec(), frames.get(index), cameras.width(), cameras.height(),
                    cameras.keyframe(index), publisher.now(), Map.of());
            keys.add(FrameLedger.key(id, seq));
            sent++;
        }
    }

    private static PointResult summarise(Point p, double startSeconds, List<String> keys, Map<String, Seen> outcomes,
                                         FrameLedger ledger, long budgetMs, Map<ProcessCpu.Role, Double> cpuCores) {
        long duplicates = keys.stream().mapToLong(k -> Math.max(0, ledger.outcomes(k) - 1)).sum();
        long deadLettered = keys.stream().map(outcomes::get).filter(s -> s != null && s.status() == null).count();
        double steadyFrom = startSeconds + p.warmupSeconds();
        long missing = 0;
        Map<Status, Long> byStatus = new EnumMap<>(Status.class);
        Map<String, Long> skipReasons = new TreeMap<>();
        List<Double> latencies = new ArrayList<>();
        List<List<Double>> stages = new ArrayList<>();
        STAGES.forEach(x -> stages.add(new ArrayList<>()));
        long within = 0;
        long steady = 0;
        long batchSum = 0;
        int seconds = (int) Math.ceil(p.seconds());
        int[] offered = new int[seconds];
        int[] classified = new int[seconds];
        int[] inBudget = new int[seconds];
        int[] skipped = new int[seconds];
        List<List<Double>> perSecond = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            perSecond.add(new ArrayList<>());
        }
        for (String k : keys) {
            Seen s = outcomes.get(k);
            if (s == null) {
                missing++;
                continue;
            }
            int sec = (int) Math.max(0, Math.min(seconds - 1, s.captureSeconds() - startSeconds));
            offered[sec]++;
            boolean ok = s.status() == Status.OK;
            boolean met = ok && s.endToEndMs() <= budgetMs;
            if (ok) {
                classified[sec]++;
                perSecond.get(sec).add(s.endToEndMs());
            } else if (s.status() != null) {
                skipped[sec]++;
            }
            if (met) {
                inBudget[sec]++;
            }
            if (s.captureSeconds() < steadyFrom) {
                continue;
            }
            steady++;
            if (s.status() != null) {
                byStatus.merge(s.status(), 1L, Long::sum);
            }
            if (s.skipReason() != null) {
                skipReasons.merge(s.skipReason(), 1L, Long::sum);
            }
            if (ok) {
                latencies.add(s.endToEndMs());
                batchSum += s.batchSize();
                for (int i = 0; i < STAGES.size(); i++) {
                    stages.get(i).add(s.stages()[i]);
                }
            }
            if (met) {
                within++;
            }
        }
        double window = Math.max(1e-9, p.seconds() - p.warmupSeconds());
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long skippedSteady = byStatus.getOrDefault(Status.SKIPPED_LATE, 0L) + byStatus.getOrDefault(Status.SKIPPED_SAMPLED, 0L);
        List<Second> series = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            double[] v = perSecond.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            series.add(new Second(i, offered[i], classified[i], inBudget[i], skipped[i],
                    v.length == 0 ? Double.NaN : Percentiles.nearestRank(v, 0.99)));
        }
        Map<String, double[]> profile = new LinkedHashMap<>();
        for (int i = 0; i < STAGES.size(); i++) {
            double[] v = stages.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            profile.put(STAGES.get(i), v.length == 0 ? new double[] {Double.NaN, Double.NaN}
                    : new double[] {Arrays.stream(v).average().orElse(Double.NaN), Percentiles.nearestRank(v, 0.99)});
        }
        return new PointResult(p, keys.size(), missing, duplicates, deadLettered, byStatus, within / window,
                latencies.size() / window, steady == 0 ? 0 : (double) skippedSteady / steady,
                sorted.length == 0 ? Double.NaN : Percentiles.nearestRank(sorted, 0.5),
                sorted.length == 0 ? Double.NaN : Percentiles.nearestRank(sorted, 0.99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1],
                latencies.isEmpty() ? Double.NaN : batchSum / (double) latencies.size(), series, profile, skipReasons,
                cpuCores);
    }
}
