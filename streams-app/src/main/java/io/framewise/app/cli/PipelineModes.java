package io.framewise.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.tools.bench.MemorySampler;
import io.framewise.app.tools.bench.ModelBenchmark;
import io.framewise.app.tools.bench.PipelineBenchmark;
import io.framewise.app.tools.bench.PipelineReport;
import io.framewise.app.tools.bench.ProgressBar;
import io.framewise.app.tools.bench.SoakVerdict;
import io.framewise.app.tools.broker.EmbeddedKafkaBroker;
import io.framewise.inference.CpuFeatures;
import io.framewise.inference.InferenceOptions.Precision;
import io.framewise.inference.export.Directories;

/** {@code bench --mode pipeline} and {@code --mode overload}. */
final class PipelineModes {
    private final BenchCommand options;

    PipelineModes(BenchCommand options) {
        this.options = options;
    }

    int run(String mode) throws Exception {
        FrameSize wh = options.size;
        double seconds = options.seconds == null ? 20 : options.seconds;
        Path dir = options.modelDir();
        int maxBatch = Integer.parseInt(options.overrides.getOrDefault(FramewiseConfig.MAX_BATCH_SIZE_CONFIG, "8"));
        Precision precision = Precision.valueOf(options.overrides.getOrDefault(FramewiseConfig.PRECISION_CONFIG, "float32")
                .toUpperCase(Locale.ROOT));

        options.output.err().println("framewise bench: model-only throughput first (same model, same process)");
        ModelBenchmark.Result modelOnly = new ModelBenchmark(dir, List.of(1, maxBatch), List.of(precision), 2, options.threads)
                .run(new ProgressBar(options.output.err(), "model only", 3));
        double modelBest = modelOnly.rows().stream().mapToDouble(ModelBenchmark.Row::imagesPerSecond).max().orElse(0);
        double modelBatch1P50 = modelOnly.rows().get(0).p50Ms();

        Path data = Files.createTempDirectory("framewise-bench-");
        EmbeddedKafkaBroker broker = options.bootstrapServers == null ? new EmbeddedKafkaBroker(data.resolve("kafka"), 0).start() : null;
        try {
            String bootstrap = broker != null ? broker.bootstrapServers() : options.bootstrapServers;
            ObjectNode json = new ObjectMapper().createObjectNode();
            json.put("mode", mode);
            describeMachine(json, dir, seconds, wh);
            json.put("modelOnlyImagesPerSecond", modelBest);
            json.put("modelOnlyBatch1P50Ms", modelBatch1P50);
            PipelineReport report;
            if (mode.equals("pipeline")) {
                long budget = options.budgetMs == null ? 1000 : options.budgetMs;
                report = runOnce("pipeline", bootstrap, data, dir, wh, options.rate, seconds, budget);
                int window = 3 * maxBatch;
                options.output.out().print(report.summary(String.format(Locale.ROOT, "pipeline: %d cameras %dx%d JPEG, %s, budget %d ms",
                        options.cameras, wh.width(), wh.height(), options.rate > 0 ? options.rate + " frames/s offered (open loop)"
                                : "closed loop, at most " + window + " frames in flight", budget)));
                double ratio = report.result().classifiedPerSecond() / modelBest;
                options.output.out().printf(Locale.ROOT, "  model-only best %.1f images/s (batch 1 p50 %.1f ms): pipeline/model = %.2f%n",
                        modelBest, modelBatch1P50, ratio);
                if (options.rate <= 0) {
                    // Little's law: a closed loop's throughput is its window over its latency; it is not a capacity.
                    options.output.out().println("  note: a closed loop measures its own window (" + window + " frames in flight), "
                            + "not the pipeline's capacity; use --mode sweep for capacity at fixed offered rates");
                }
                json.put(options.rate > 0 ? "pipelineToModelRatio" : "closedLoopToModelRatio", ratio);
                json.set("pipeline", toJson(report));
            } else {
                // The model-only throughput of this run is the reference: a closed loop's rate would measure its window.
                double offered = options.multiple * modelBest;
                long budget = options.budgetMs == null ? 200 : options.budgetMs;
                options.output.err().printf(Locale.ROOT, "framewise bench: model-only %.1f images/s; offering %.1f frames/s for %.0f s%n",
                        modelBest, offered, seconds);
                report = runOnce("overload", bootstrap, data, dir, wh, offered, seconds, budget);
                options.output.out().print(report.summary(String.format(Locale.ROOT, "overload: %.1fx the model-only throughput (%.1f frames/s), budget %d ms",
                        options.multiple, offered, budget)));
                double p99 = report.endToEnd().get("p99");
                options.output.out().printf(Locale.ROOT, "  verdict: p99 of classified frames %.1f ms %s budget %d ms; %s; lag %s%n", p99,
                        p99 <= budget ? "within" : "OVER", budget, report.result().complete() ? "every frame accounted for"
                                : "frames NOT accounted for", report.lagBounded() ? "bounded" : "GROWING");
                json.put("offeredFramesPerSecond", offered);
                json.put("budgetMs", budget);
                json.put("p99WithinBudget", p99 <= budget);
                json.put("lagBounded", report.lagBounded());
                json.set("overload", toJson(report));
            }
            if (options.plot != null) {
                report.plot(options.plot, mode);
                options.output.out().println("plot written to " + options.plot);
            }
            if (options.json != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.json.toFile(), json);
                options.output.out().println("report written to " + options.json);
            }
            return report.result().complete() ? 0 : FramewiseCli.EXIT_FAILURE;
        } finally {
            if (broker != null) {
                broker.close();
            }
            Directories.deleteQuietly(data);
        }
    }

    /** Pushes --frames frames through the pipeline while sampling RSS and heap; fails on growth after warm-up. */
    int soak() throws Exception {
        FrameSize wh = options.size;
        Path dir = options.modelDir();
        double fps = options.rate;
        Path data = Files.createTempDirectory("framewise-soak-");
        EmbeddedKafkaBroker broker = options.bootstrapServers == null ? new EmbeddedKafkaBroker(data.resolve("kafka"), 0).start() : null;
        AtomicLong accounted = new AtomicLong();
        try (MemorySampler sampler = new MemorySampler(accounted::get)) {
            String bootstrap = broker != null ? broker.bootstrapServers() : options.bootstrapServers;
            // Closed loop stops after the time it takes; the frame count is what the soak is about: estimate the time
            // from a target rate when one is given, else run until the count is reached (generous time bound).
            double seconds = fps > 0 ? options.frames / fps : Math.max(10, options.frames / 5.0);
            Map<String, Object> settings = soakSettings(bootstrap, data);
            PipelineBenchmark bench = new PipelineBenchmark(settings, dir, options.cameras, wh.width(), wh.height());
            ProgressBar progress = new ProgressBar(options.output.err(), "soak", options.frames);
            PipelineBenchmark.Result result = bench.runUntil(fps, seconds, options.frames, progress, accounted);
            progress.finish();
            MemorySampler.Sample collectedEnd = sampler.sample(true);
            List<MemorySampler.Sample> samples = sampler.samples();
            // Warm-up: the JVM grows its heap to the working size over the first thousand or two frames (measured:
            // RSS plateaus after about 1,200 frames of L1); growth is judged after that.
            long warmFrames = Math.min(options.frames / 2, Math.max(2000, options.frames / 10));
            SoakVerdict verdict;
            try {
                verdict = SoakVerdict.of(samples, warmFrames, options.maxRssGrowth);
            } catch (SoakVerdict.Unmeasurable e) {
                throw new CliException(e.getMessage(), "run the soak on Linux, where /proc/self/status gives the RSS");
            }
            MemorySampler.Sample warm = verdict.warm();
            MemorySampler.Sample end = verdict.end();
            double growth = verdict.growthPercent();
            options.output.out().printf(Locale.ROOT, "soak: %d frames (%s), %d dead letters, every frame %s%n", result.published(),
                    result.byStatus(), result.deadLettered(), result.complete() ? "accounted for" : "NOT accounted for");
            options.output.out().println("  seconds    frames    RSS MB   heap MB");
            int step = Math.max(1, samples.size() / 12);
            for (int i = 0; i < samples.size(); i += step) {
                var x = samples.get(i);
                options.output.out().printf(Locale.ROOT, "  %7.1f %9d %9.1f %9.1f%n", x.atSeconds(), x.frames(), x.rssBytes() / 1e6, x.heapBytes() / 1e6);
            }
            options.output.out().printf(Locale.ROOT, "  %7.1f %9d %9.1f %9.1f  (last periodic sample)%n", end.atSeconds(), end.frames(),
                    end.rssBytes() / 1e6, end.heapBytes() / 1e6);
            options.output.out().printf(Locale.ROOT, "  %7.1f %9d %9.1f %9.1f  (after a GC, for the live heap; not compared)%n",
                    collectedEnd.atSeconds(), collectedEnd.frames(), collectedEnd.rssBytes() / 1e6, collectedEnd.heapBytes() / 1e6);
            boolean flat = verdict.flat();
            options.output.out().printf(Locale.ROOT, "  RSS after warm-up (%d frames): %.1f MB; at the end: %.1f MB; growth %.2f%% (limit %.1f%%): %s%n",
                    warm.frames(), warm.rssBytes() / 1e6, end.rssBytes() / 1e6, growth, options.maxRssGrowth, flat ? "FLAT" : "GROWING");
            if (options.json != null) {
                ObjectNode json = new ObjectMapper().createObjectNode();
                json.put("mode", "soak");
                describeMachine(json, dir, seconds, wh);
                json.put("frames", result.published());
                json.put("complete", result.complete());
                json.put("warmupFrames", warm.frames());
                json.put("rssAfterWarmupBytes", warm.rssBytes());
                json.put("rssAtEndBytes", end.rssBytes());
                json.put("rssGrowthPercent", growth);
                json.put("flat", flat);
                json.putPOJO("samples", samples);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.json.toFile(), json);
                options.output.out().println("report written to " + options.json);
            }
            return flat && result.complete() ? 0 : FramewiseCli.EXIT_FAILURE;
        } finally {
            if (broker != null) {
                broker.close();
            }
            Directories.deleteQuietly(data);
        }
    }

    private Map<String, Object> soakSettings(String bootstrap, Path data) {
        // classify every frame: the soak exercises decode, tensors and the engine, not the skip path
        return benchSettings(options, "soak", bootstrap, data, 600_000);
    }

    /**
     * The settings of a benchmark's instance: its own application id, state directory and topics (16 partitions), 16
     * stream threads (they mostly wait on the engine; more of them fill its batches), the budget, the TensorFlow
     * threads, then the user's --set overrides.
     */
    static Map<String, Object> benchSettings(BenchCommand options, String name, String bootstrap, Path data, long budgetMs) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        String run = name + "-" + System.currentTimeMillis();
        settings.put("application.id", "framewise-bench-" + run);
        settings.put("state.dir", data.resolve("streams-" + run).toString());
        settings.put("num.stream.threads", "16");
        settings.put(FramewiseConfig.INPUT_TOPIC_CONFIG, "bench-frames-" + run);
        settings.put(FramewiseConfig.OUTPUT_TOPIC_CONFIG, "bench-events-" + run);
        settings.put(FramewiseConfig.DEAD_LETTER_TOPIC_CONFIG, "bench-dlq-" + run);
        settings.put(FramewiseConfig.TOPIC_PARTITIONS_CONFIG, "16");
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, String.valueOf(budgetMs));
        settings.put(FramewiseConfig.INTRA_OP_THREADS_CONFIG, String.valueOf(options.threads));
        settings.putAll(options.overrides);
        return settings;
    }

    private PipelineReport runOnce(String name, String bootstrap, Path data, Path dir, FrameSize wh, double fps, double seconds,
                                   long budget) throws Exception {
        Map<String, Object> settings = benchSettings(options, name, bootstrap, data, budget);
        long ticks = (long) ((seconds + 30) * 4);
        PipelineBenchmark bench = new PipelineBenchmark(settings, dir, options.cameras, wh.width(), wh.height());
        ProgressBar progress = new ProgressBar(options.output.err(), name, ticks);
        PipelineBenchmark.Result result = bench.run(fps, seconds, progress);
        progress.finish();
        return new PipelineReport(result);
    }

    void describeMachine(ObjectNode json, Path dir, double seconds, FrameSize wh) {
        ObjectNode machine = json.putObject("machine");
        machine.put("cpu", CpuFeatures.modelName());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("bfloat16", CpuFeatures.hasBfloat16());
        ObjectNode config = json.putObject("config");
        config.put("model", dir.toString());
        config.put("cameras", options.cameras);
        config.put("width", wh.width());
        config.put("height", wh.height());
        config.put("rate", options.rate);
        config.put("seconds", seconds);
        config.put("multiple", options.multiple);
        config.putPOJO("settings", options.overrides);
    }

    private static ObjectNode toJson(PipelineReport r) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        var res = r.result();
        o.put("published", res.published());
        o.put("deadLettered", res.deadLettered());
        o.putPOJO("eventsByStatus", res.byStatus());
        o.put("complete", res.complete());
        o.put("offeredFps", res.offeredFps());
        o.put("classifiedPerSecond", res.classifiedPerSecond());
        o.put("skipRate", r.skipRate());
        o.put("deadlineMissRate", r.deadlineMissRate());
        o.put("meanBatchSize", r.meanBatchSize());
        o.putPOJO("endToEndMs", r.endToEnd());
        ObjectNode stages = o.putObject("stagesMs");
        r.stages().forEach((k, v) -> stages.putObject(k).put("mean", v[0]).put("p99", v[1]));
        o.put("maxBacklog", r.maxBacklog());
        o.put("backlogAtPublishEnd", r.backlogAtPublishEnd());
        o.put("lagBounded", r.lagBounded());
        o.put("drainSeconds", res.drainSeconds());
        return o;
    }
}
