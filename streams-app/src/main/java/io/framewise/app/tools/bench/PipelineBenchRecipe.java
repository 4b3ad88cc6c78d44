package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code bench pipeline} and {@code bench overload}: the whole path on one running instance, after the model alone
 * in the same process (the reference the pipeline is compared with).
 *
 * <p>Pipeline: the cameras at a fixed total rate (open loop), or as fast as the pipeline answers (closed loop, which
 * measures its own window, not a capacity). Overload: a multiple of the model-only throughput, open loop, with a
 * tight budget: are the frames classified within it, and does the backlog stay bounded?
 */
public final class PipelineBenchRecipe {
    private PipelineBenchRecipe() {
    }


    /** @param rate total frames/s offered; 0: closed loop */
    public static BenchReport.Plotted pipeline(PipelineSetup setup, double rate, double seconds, long budgetMs, PrintWriter log)
            throws Exception {
        ModelMeasurement.Result modelOnly = setup.modelOnly(log);
        double best = modelOnly.bestImagesPerSecond();
        int window = 3 * setup.config().maxBatchSize();
        PipelineReport report = runOnce(setup, "pipeline", rate, seconds, budgetMs, log);
        double ratio = report.result().classifiedPerSecond() / best;
        String title = String.format(Locale.ROOT, "pipeline: %s, %s, budget %d ms", setup.cameras(),
                rate > 0 ? rate + " frames/s offered (open loop)" : "closed loop, at most " + window + " frames in flight", budgetMs);
        StringBuilder text = new StringBuilder(report.summary(title));
        text.append(String.format(Locale.ROOT, "  model-only best %.1f images/s (batch 1 p50 %.1f ms): pipeline/model = %.2f%n",
                best, modelOnly.firstP50Ms(), ratio));
        if (rate <= 0) {
            // Little's law: a closed loop's throughput is its window over its latency; it is not a capacity.
            text.append("  note: a closed loop measures its own window (").append(window).append(" frames in flight), ")
                    .append("not the pipeline's capacity; use 'bench sweep' for capacity at fixed offered rates\n");
        }
        ObjectNode json = Machine.report("pipeline");
        setup.describe(json, seconds);
        json.put("rate", rate);
        json.put("budgetMs", budgetMs);
        json.put("modelOnlyImagesPerSecond", best);
        json.put("modelOnlyBatch1P50Ms", modelOnly.firstP50Ms());
        json.put(rate > 0 ? "pipelineToModelRatio" : "closedLoopToModelRatio", ratio);
        json.set("pipeline", report.toJson());
        return report(text.toString(), json, report, "pipeline");
    }

    /** @param multiple offered load as a multiple of the model-only throughput measured first */
    public static BenchReport.Plotted overload(PipelineSetup setup, double multiple, double seconds, long budgetMs, PrintWriter log)
            throws Exception {
        // The model-only throughput of this run is the reference: a closed loop's rate would measure its window.
        ModelMeasurement.Result modelOnly = setup.modelOnly(log);
        double best = modelOnly.bestImagesPerSecond();
        double offered = multiple * best;
        log.printf(Locale.ROOT, "framewise bench: model-only %.1f images/s; offering %.1f frames/s for %.0f s%n", best, offered,
                seconds);
        PipelineReport report = runOnce(setup, "overload", offered, seconds, budgetMs, log);
        double p99 = report.endToEnd().get("p99");
        StringBuilder text = new StringBuilder(report.summary(String.format(Locale.ROOT,
                "overload: %.1fx the model-only throughput (%.1f frames/s), budget %d ms", multiple, offered, budgetMs)));
        text.append(String.format(Locale.ROOT, "  verdict: p99 of classified frames %.1f ms %s budget %d ms; %s; lag %s%n", p99,
                p99 <= budgetMs ? "within" : "OVER", budgetMs, report.result().accounting(),
                report.lagBounded() ? "bounded" : "GROWING"));
        ObjectNode json = Machine.report("overload");
        setup.describe(json, seconds);
        json.put("multiple", multiple);
        json.put("modelOnlyImagesPerSecond", best);
        json.put("modelOnlyBatch1P50Ms", modelOnly.firstP50Ms());
        json.put("offeredFramesPerSecond", offered);
        json.put("budgetMs", budgetMs);
        json.put("p99WithinBudget", p99 <= budgetMs);
        json.put("lagBounded", report.lagBounded());
        json.set("overload", report.toJson());
        return report(text.toString(), json, report, "overload");
    }

    private static PipelineReport runOnce(PipelineSetup setup, String name, double fps, double seconds, long budgetMs,
                                          PrintWriter log) throws Exception {
        try (BenchCluster cluster = BenchCluster.open(setup.bootstrapServers(), "bench")) {
            ProgressBar progress = new ProgressBar(log, name, (long) ((seconds + 30) * 4));
            PipelineMeasurement.Result result = new PipelineMeasurement(setup.settings(name, cluster, budgetMs), setup.model(),
                    setup.cameras()).run(fps, seconds, progress);
            progress.finish();
            return new PipelineReport(result);
        }
    }

    private static BenchReport.Plotted report(String text, ObjectNode json, PipelineReport figures, String title) {
        return new BenchReport.Drawn(text, json, figures.result().complete(), png -> figures.plot(png, title));
    }
}
