package io.framewise.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.tools.bench.ModelBenchmark;
import io.framewise.app.tools.bench.ProgressBar;
import io.framewise.app.tools.bench.SweepBenchmark;
import io.framewise.app.tools.bench.SweepReport;
import io.framewise.app.tools.broker.EmbeddedKafkaBroker;
import io.framewise.inference.InferenceOptions.Precision;
import io.framewise.inference.export.Directories;

/** {@code bench --mode sweep}: model-only throughput, then the open-loop sweep against it, in one run. */
final class SweepMode {
    private final BenchCommand options;

    SweepMode(BenchCommand options) {
        this.options = options;
    }

    int run() throws Exception {
        FrameSize wh = options.size;
        double seconds = options.seconds == null ? 15 : options.seconds;
        long budget = options.budgetMs == null ? 1000 : options.budgetMs;
        Path dir = options.modelDir();
        int maxBatch = Integer.parseInt(options.overrides.getOrDefault(FramewiseConfig.MAX_BATCH_SIZE_CONFIG, "8"));
        Precision precision = Precision.valueOf(options.overrides.getOrDefault(FramewiseConfig.PRECISION_CONFIG, "float32")
                .toUpperCase(Locale.ROOT));
        List<Integer> sizes = new ArrayList<>();
        for (int b = 1; b <= maxBatch; b *= 2) {
            sizes.add(b);
        }
        if (sizes.get(sizes.size() - 1) != maxBatch) {
            sizes.add(maxBatch);
        }
        options.output.err().println("framewise bench: model-only throughput first (same model, same process), batch sizes " + sizes);
        ModelBenchmark.Result modelOnly = new ModelBenchmark(dir, sizes, List.of(precision), 2, options.threads)
                .run(new ProgressBar(options.output.err(), "model only", sizes.size() + 1));
        double best = modelOnly.rows().stream().mapToDouble(ModelBenchmark.Row::imagesPerSecond).max().orElse(0);
        double fitting = modelOnly.rows().stream().filter(r -> r.p99Ms() <= budget)
                .mapToDouble(ModelBenchmark.Row::imagesPerSecond).max().orElse(0);
        double batch1 = modelOnly.rows().get(0).p50Ms();
        BenchCommand.printTable(modelOnly, options.output.out());

        List<SweepBenchmark.Point> points = new ArrayList<>();
        for (String m : options.multiples.split(",")) {
            double multiple = Double.parseDouble(m.trim());
            points.add(new SweepBenchmark.Point(String.format(Locale.ROOT, "%.2fx", multiple), multiple, multiple * best,
                    seconds, options.warmupSeconds));
        }
        SweepBenchmark.Point cold = options.coldSeconds <= 0 ? null
                : new SweepBenchmark.Point("cold", 0.5, 0.5 * best, options.coldSeconds, 0);

        Path data = Files.createTempDirectory("framewise-sweep-");
        EmbeddedKafkaBroker broker = options.bootstrapServers == null ? new EmbeddedKafkaBroker(data.resolve("kafka"), 0).start() : null;
        try {
            String bootstrap = broker != null ? broker.bootstrapServers() : options.bootstrapServers;
            Map<String, Object> settings = PipelineModes.benchSettings(options, "sweep", bootstrap, data, budget);
            ProgressBar progress = new ProgressBar(options.output.err(), "sweep", points.size() + (cold == null ? 0 : 1));
            List<SweepBenchmark.PointResult> results = new SweepBenchmark(settings, dir, options.cameras, wh.width(), wh.height())
                    .run(cold, points, progress);
            progress.finish();
            SweepBenchmark.PointResult coldResult = cold == null ? null : results.get(0);
            List<SweepBenchmark.PointResult> pointResults = results.subList(cold == null ? 0 : 1, results.size());
            String policy = new FramewiseConfig(settings).budgetPolicy().name().toLowerCase(Locale.ROOT).replace('_', '-');
            SweepReport report = new SweepReport(budget, policy, best, fitting, batch1, coldResult, pointResults);
            options.output.out().printf(Locale.ROOT, "sweep: %d cameras %dx%d JPEG, %.0f s per point (first %.0f s excluded), open loop%n",
                    options.cameras, wh.width(), wh.height(), seconds, options.warmupSeconds);
            options.output.out().print(report.table());
            report.verdicts().forEach(v -> options.output.out().println("  " + v));
            if (options.plot != null) {
                report.plot(options.plot, "sweep, budget " + budget + " ms");
                options.output.out().println("plot written to " + options.plot);
            }
            if (options.json != null) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                ObjectNode json = mapper.createObjectNode();
                json.put("mode", "sweep");
                new PipelineModes(options).describeMachine(json, dir, seconds, wh);
                json.putPOJO("modelOnly", modelOnly.rows());
                json.putPOJO("report", report);
                json.putPOJO("verdicts", report.verdicts());
                mapper.writeValue(options.json.toFile(), json);
                options.output.out().println("report written to " + options.json);
            }
            boolean accounted = pointResults.stream().allMatch(SweepBenchmark.PointResult::accounted)
                    && (coldResult == null || coldResult.accounted());
            return accounted ? 0 : FramewiseCli.EXIT_FAILURE;
        } finally {
            if (broker != null) {
                broker.close();
            }
            Directories.deleteQuietly(data);
        }
    }
}
