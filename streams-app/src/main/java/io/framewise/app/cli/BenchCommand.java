package io.framewise.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.app.tools.bench.ModelBenchmark;
import io.framewise.app.tools.bench.PreprocessBenchmark;
import io.framewise.app.tools.bench.ProgressBar;
import io.framewise.inference.CpuFeatures;
import io.framewise.inference.InferenceOptions.Precision;
import io.framewise.inference.efficientformer.EfficientFormer;
import io.framewise.inference.efficientformer.Variant;
import io.framewise.inference.efficientformer.weights.SeededWeights;
import io.framewise.inference.export.ModelCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, header = "Measure the model, the pipeline and the budget controller on this machine.",
        description = "Measure what this machine can do. --mode model: model-only throughput and latency per batch size "
                + "and precision, with the GFLOP/s TensorFlow reaches on large matrix products as calibration. "
                + "--mode pipeline: the whole path on the embedded broker (or --bootstrap-servers) with K synthetic "
                + "cameras at --rate frames/s (0: as fast as possible). --mode overload: --multiple times the model-only "
                + "throughput for --seconds with a 200 ms budget: are classified frames in budget, is lag bounded? "
                + "--mode soak: --frames through the pipeline while sampling RSS and heap; fails if RSS grows more than "
                + "--max-rss-growth percent after warm-up. "
                + "--mode sweep: capacity, open loop: after a cold-start phase at half load, offered load at --multiples "
                + "of the model-only throughput measured in the same run, --seconds each, on one running instance; "
                + "goodput, skip rate and capture-to-consumer latency per point, steady state (--warmup-seconds of "
                + "each point excluded). "
                + "--mode preprocess: JPEG decode and preprocessing per frame size (640x480, 1280x720, 1920x1080) on one "
                + "thread, with Pillow's antialiased bicubic (the reference) and OpenCV's approximate INTER_CUBIC.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    Output output;

    /** What to measure (see the description). */
    enum Mode { MODEL, PIPELINE, OVERLOAD, SOAK, SWEEP, PREPROCESS }

    /** Which precisions the model is measured in; AUTO: both where the CPU has native bfloat16. */
    enum BenchPrecision { AUTO, FLOAT32, BFLOAT16 }

    @Option(names = "--mode", defaultValue = "model", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--cameras", defaultValue = "16", description = "pipeline/overload: synthetic cameras (default ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--size", defaultValue = "640x480", converter = FrameSize.Converter.class, description = "pipeline/overload: frame size (default ${DEFAULT-VALUE}).")
    FrameSize size;

    @Option(names = "--rate", defaultValue = "0", description = "pipeline: total frames/s offered; 0 as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--frames", defaultValue = "100000", description = "soak: frames to push through (default ${DEFAULT-VALUE}).")
    long frames;

    @Option(names = "--max-rss-growth", defaultValue = "5",
            description = "soak: RSS growth after warm-up, in percent, above which the soak fails (default ${DEFAULT-VALUE}).")
    double maxRssGrowth;

    @Option(names = "--multiple", defaultValue = "2", description = "overload: offered load as a multiple of the model-only throughput (default ${DEFAULT-VALUE}).")
    double multiple;

    @Option(names = "--multiples", defaultValue = "0.25,0.5,0.75,1,1.5,2,3",
            description = "sweep: offered loads as multiples of the model-only throughput (default ${DEFAULT-VALUE}).")
    String multiples;

    @Option(names = "--cold-seconds", defaultValue = "30",
            description = "sweep: half load from the moment the instance is RUNNING, reported apart; 0 to leave out (default ${DEFAULT-VALUE}).")
    double coldSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "3",
            description = "sweep: first seconds of each point excluded from its steady state (default ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--budget-ms", description = "pipeline/overload: latency budget (default 1000; overload 200).")
    Long budgetMs;

    @Option(names = "--bootstrap-servers", description = "pipeline/overload: use this cluster instead of an embedded broker.")
    String bootstrapServers;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any framewise or Kafka setting for the pipeline (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--plot", paramLabel = "FILE.png", description = "pipeline/overload: latency over time and its distribution.")
    Path plot;

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (else --variant with seeded weights).")
    Path model;

    @Option(names = "--variant", defaultValue = "efficientformer_l1", description = "Variant to export and measure when no --model is given (default ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--batch-sizes", defaultValue = "1,2,4,8,16", description = "Batch sizes (default ${DEFAULT-VALUE}).")
    String batchSizes;

    @Option(names = "--precision", defaultValue = "auto",
            description = "${COMPLETION-CANDIDATES}; auto: both where the CPU has native bfloat16 (default ${DEFAULT-VALUE}).")
    BenchPrecision precision;

    @Option(names = "--seconds", description = "model: measuring time per configuration (default 3); pipeline/overload: publishing time (default 20).")
    Double seconds;

    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads (default 0: one per core).")
    int threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write a machine-readable report.")
    Path json;

    @Override
    public Integer call() throws Exception {
        return switch (mode) {
            case MODEL -> modelMode();
            case PIPELINE, OVERLOAD -> new PipelineModes(this).run(mode.name().toLowerCase(Locale.ROOT));
            case SOAK -> new PipelineModes(this).soak();
            case SWEEP -> new SweepMode(this).run();
            case PREPROCESS -> preprocessMode();
        };
    }

    private int modelMode() throws Exception {
        double perConfig = seconds == null ? 3 : seconds;
        List<Precision> precisions = precisions();
        Path dir = modelDir();
        List<Integer> batches = parseBatches();
        ProgressBar progress = new ProgressBar(output.err(), "bench model", (long) precisions.size() * (batches.size() + 1));
        ModelBenchmark.Result result = new ModelBenchmark(dir, batches, precisions, perConfig, threads).run(progress);
        progress.finish();
        printTable(result, output.out());
        if (json != null) {
            writeJson(result, precisions, batches, dir);
            output.out().println("report written to " + json);
        }
        return 0;
    }

    private int preprocessMode() throws Exception {
        List<int[]> sizes = List.of(new int[] {640, 480}, new int[] {1280, 720}, new int[] {1920, 1080});
        int iterations = seconds == null ? 200 : (int) Math.max(20, seconds * 50);
        ProgressBar progress = new ProgressBar(output.err(), "bench preprocess", sizes.size());
        List<PreprocessBenchmark.Row> rows = PreprocessBenchmark.run(sizes, iterations, progress);
        progress.finish();
        output.out().printf(Locale.ROOT, "per frame, one thread, %d frames each after warm-up; CPU %s%n", iterations, CpuFeatures.modelName());
        output.out().printf(Locale.ROOT, "%-10s %8s %18s %26s %26s%n", "frame", "JPEG KB", "decode p50/p99 ms",
                "Pillow bicubic p50/p99 ms", "OpenCV cubic p50/p99 ms");
        for (var r : rows) {
            output.out().printf(Locale.ROOT, "%-10s %8.1f %9.2f / %6.2f %17.2f / %6.2f %17.2f / %6.2f%n", r.width() + "x" + r.height(),
                    r.jpegBytes() / 1024.0, r.decodeMs().p50(), r.decodeMs().p99(), r.pillowMs().p50(), r.pillowMs().p99(),
                    r.opencvMs().p50(), r.opencvMs().p99());
        }
        if (json != null) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("mode", "preprocess");
            root.put("cpu", CpuFeatures.modelName());
            root.putPOJO("rows", rows);
            mapper.writeValue(json.toFile(), root);
            output.out().println("report written to " + json);
        }
        return 0;
    }

    Path modelDir() throws Exception {
        return model != null ? model : exportedVariant();
    }

    List<Precision> precisions() {
        return switch (precision) {
            case FLOAT32 -> List.of(Precision.FLOAT32);
            case BFLOAT16 -> List.of(Precision.BFLOAT16);
            case AUTO -> CpuFeatures.hasBfloat16() ? List.of(Precision.FLOAT32, Precision.BFLOAT16) : List.of(Precision.FLOAT32);
        };
    }

    List<Integer> parseBatches() {
        try {
            List<Integer> b = new ArrayList<>();
            for (String s : batchSizes.split(",")) {
                int v = Integer.parseInt(s.trim());
                if (v < 1 || v > 256) {
                    throw new NumberFormatException();
                }
                b.add(v);
            }
            return b;
        } catch (NumberFormatException e) {
            throw new CliException("invalid --batch-sizes '" + batchSizes + "'", "give sizes from 1 to 256, e.g. 1,2,4,8,16");
        }
    }

    private Path exportedVariant() throws Exception {
        Variant v = ModelExportCommand.parseVariant(variant);
        Path dir = ModelCache.root().resolve("models").resolve(v.timmName() + "-bench-seed0");
        if (!Files.isRegularFile(dir.resolve("framewise-model.json"))) {
            output.err().println("framewise bench: exporting " + v.timmName() + " with seeded weights into " + dir);
            EfficientFormer.export(dir, v, new SeededWeights(0),
                    IntStream.range(0, 1000).mapToObj(i -> "class " + i).toList(), "seed-0");
        }
        return dir;
    }

    static void printTable(ModelBenchmark.Result r, PrintWriter out) {
        out.printf(Locale.ROOT, "model %s, %.3f GMACs per image, CPU %s, %d cores%n", r.model(), r.macs() / 1e9,
                CpuFeatures.modelName(), Runtime.getRuntime().availableProcessors());
        r.calibrationGflops().forEach((p, g) -> out.printf(Locale.ROOT,
                "calibration (TF dense matmul 1536x1536, %s): %.1f GFLOP/s%n", p, g));
        out.printf(Locale.ROOT, "%-9s %5s %10s %10s %10s %12s %10s%n", "precision", "batch", "images/s", "p50 ms",
                "p99 ms", "GFLOP/s", "of calib.");
        for (ModelBenchmark.Row row : r.rows()) {
            out.printf(Locale.ROOT, "%-9s %5d %10.1f %10.2f %10.2f %12.1f %9.0f%%%n", row.precision(), row.batch(),
                    row.imagesPerSecond(), row.p50Ms(), row.p99Ms(), row.achievedGflops(), 100 * row.fractionOfCalibration());
        }
        if (r.bf16Agreement() != null) {
            var a = r.bf16Agreement();
            out.printf(Locale.ROOT, "bfloat16 vs float32 on %d random images: same top-1 for %d, max |dlogit| %.3g%n",
                    a.images(), a.sameTop1(), a.maxAbsLogitDifference());
        }
    }

    private void writeJson(ModelBenchmark.Result r, List<Precision> precisions, List<Integer> batches, Path dir) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("mode", "model");
        ObjectNode machine = root.putObject("machine");
        machine.put("cpu", CpuFeatures.modelName());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("bfloat16", CpuFeatures.hasBfloat16());
        machine.put("java", System.getProperty("java.version"));
        ObjectNode config = root.putObject("config");
        config.put("model", dir.toString());
        config.putPOJO("batchSizes", batches);
        config.putPOJO("precisions", precisions);
        config.put("secondsPerConfiguration", seconds == null ? 3 : seconds);
        config.put("intraOpThreads", threads);
        root.put("modelName", r.model());
        root.put("macsPerImage", r.macs());
        root.putPOJO("calibrationGflops", r.calibrationGflops());
        root.putPOJO("rows", r.rows());
        if (r.bf16Agreement() != null) {
            root.putPOJO("bfloat16Agreement", r.bf16Agreement());
        }
        mapper.writeValue(json.toFile(), root);
    }

}
