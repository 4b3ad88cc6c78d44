package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.app.config.FramewiseConfig;

/**
 * {@code bench sweep}: capacity, open loop. The model alone first, then one running instance offered fixed
 * multiples of that throughput, one point after another, after a cold-start phase at half load; each point's
 * steady state excludes its first seconds.
 */
public final class SweepBenchRecipe {
    private SweepBenchRecipe() {
    }

    /**
     * The sweep's load points and their timing.
     *
     * @param neighbourCores 0, or how many cores the benchmark's noisy neighbour takes (2 s of every 4) while every
     *                       point is offered a second time, in the same run
     */
    public record Plan(List<Double> multiples, double secondsPerPoint, double warmupSeconds, double coldSeconds,
                       int neighbourCores, SyntheticCameras compare, double jitSeconds) {
        public Plan(List<Double> multiples, double secondsPerPoint, double warmupSeconds, double coldSeconds, int neighbourCores) {
            this(multiples, secondsPerPoint, warmupSeconds, coldSeconds, neighbourCores, null, 0);
        }
    }

    static final long NEIGHBOUR_ON_MS = 2_000;
    static final long NEIGHBOUR_PERIOD_MS = 4_000;


    /** The plan's load points, at multiples of {@code best}; beside the neighbour, named with "+n". */
    private static List<SweepMeasurement.Point> points(Plan plan, double best, boolean neighbour) {
        List<SweepMeasurement.Point> points = new ArrayList<>();
        for (double multiple : plan.multiples()) {
            points.add(new SweepMeasurement.Point(String.format(Locale.ROOT, "%.2fx", multiple) + (neighbour ? "+n" : ""),
                    multiple, multiple * best, plan.secondsPerPoint(), plan.warmupSeconds(), neighbour));
        }
        return points;
    }

    public static BenchReport.Plotted run(PipelineSetup setup, Plan plan, long budgetMs, PrintWriter log) throws Exception {
        ModelMeasurement.Result modelOnly = setup.modelOnly(log);
        double best = modelOnly.bestImagesPerSecond();
        List<SweepMeasurement.Point> quiet = points(plan, best, false);
        List<SweepMeasurement.Point> points = new ArrayList<>(quiet);
        if (plan.neighbourCores() > 0) {
            points.addAll(points(plan, best, true));
        }
        SweepMeasurement.Point cold = plan.coldSeconds() <= 0 ? null
                : new SweepMeasurement.Point("cold", 0.5, 0.5 * best, plan.coldSeconds(), 0, false);
        // After the cold phase and before the points, the highest load: the JIT compiles what overload runs (shedding,
        // a skip event per frame, the broker's busier paths) before it is measured, not during it. Measured on 2
        // cores, the compiler took 0.6-0.7 of a core through the first 1.5 minutes of load, and three 3x points in a
        // row went 5.8, 11.1 and 21.4 frames/s of goodput as it finished (the model's share 0.34, 0.57, 1.07 cores).
        double highest = plan.multiples().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        SweepMeasurement.Point jit = plan.jitSeconds() <= 0 ? null
                : new SweepMeasurement.Point("jit", highest, highest * best, plan.jitSeconds(), 0, false);
        if (jit != null) {
            points.add(0, jit);
        }
        // the phases before the points in a measurement's results: the cold phase, then the JIT's
        int phases = (cold == null ? 0 : 1) + (jit == null ? 0 : 1);

        List<SweepMeasurement.PointResult> results;
        List<SweepMeasurement.PointResult> compared = List.of();
        Map<String, Object> settings;
        try (BenchCluster cluster = BenchCluster.open(setup.bootstrapServers(), "sweep")) {
            settings = setup.settings("sweep", cluster, budgetMs);
            ProgressBar progress = new ProgressBar(log, "sweep", points.size() + (cold == null ? 0 : 1)); // jit is in points
            try (Neighbour neighbour = plan.neighbourCores() > 0
                    ? new Neighbour(plan.neighbourCores(), NEIGHBOUR_ON_MS, NEIGHBOUR_PERIOD_MS) : null) {
                results = new SweepMeasurement(settings, setup.model(), setup.cameras()).run(cold, points, neighbour, progress);
            }
            progress.finish();
            if (plan.compare() != null) {
                // the quiet points again, other cameras, a fresh instance with the same settings, in the same run
                ProgressBar again = new ProgressBar(log, "sweep " + plan.compare(), quiet.size() + phases);
                // with its own cold and JIT phases (reported by neither table), so that both are measured warm
                List<SweepMeasurement.Point> comparedPoints = new ArrayList<>(points(plan, best, false));
                if (jit != null) {
                    comparedPoints.add(0, jit);
                }
                List<SweepMeasurement.PointResult> all = new SweepMeasurement(setup.settings("sweep-compare", cluster, budgetMs),
                        setup.model(), plan.compare()).run(cold, comparedPoints, null, again);
                compared = all.subList(phases, all.size());
                again.finish();
            }
        }
        SweepMeasurement.PointResult coldResult = cold == null ? null : results.get(0);
        SweepMeasurement.PointResult jitResult = jit == null ? null : results.get(phases - 1);
        List<SweepMeasurement.PointResult> pointResults = results.subList(phases, phases + quiet.size());
        List<SweepMeasurement.PointResult> besideNeighbour = results.subList(phases + quiet.size(), results.size());
        String policy = new FramewiseConfig(settings).budgetPolicy().name().toLowerCase(Locale.ROOT).replace('_', '-');
        SweepReport report = new SweepReport(budgetMs, policy, best, modelOnly.bestImagesPerSecondWithin(budgetMs),
                modelOnly.firstP50Ms(), coldResult, jitResult, pointResults);

        StringBuilder text = new StringBuilder(modelOnly.table());
        text.append(String.format(Locale.ROOT, "sweep: %s, %.0f s per point (first %.0f s excluded), open loop%n",
                setup.cameras(), plan.secondsPerPoint(), plan.warmupSeconds()));
        text.append(report.table());
        report.verdicts().forEach(v -> text.append("  ").append(v).append('\n'));
        SweepReport neighbourReport = null;
        if (!besideNeighbour.isEmpty()) {
            // the same points again beside the neighbour; its verdicts judge them against the peak measured under it
            neighbourReport = new SweepReport(budgetMs, policy, best, modelOnly.bestImagesPerSecondWithin(budgetMs),
                    modelOnly.firstP50Ms(), null, null, besideNeighbour);
            text.append(String.format(Locale.ROOT, "the same points beside a noisy neighbour taking %d core(s) %d s of every %d s "
                    + "(same run, same instance):%n", plan.neighbourCores(), NEIGHBOUR_ON_MS / 1000, NEIGHBOUR_PERIOD_MS / 1000));
            text.append(neighbourReport.table());
            neighbourReport.verdicts().forEach(v -> text.append("  ").append(v).append('\n'));
        }
        SweepReport comparedReport = null;
        if (!compared.isEmpty()) {
            comparedReport = new SweepReport(budgetMs, policy, best, modelOnly.bestImagesPerSecondWithin(budgetMs),
                    modelOnly.firstP50Ms(), null, null, compared);
            text.append(String.format(Locale.ROOT, "the same points with %s (same run, a fresh instance):%n", plan.compare()));
            text.append(comparedReport.table());
            comparedReport.verdicts().forEach(v -> text.append("  ").append(v).append('\n'));
            double ratio = comparedReport.peakGoodput() / report.peakGoodput();
            text.append(String.format(Locale.ROOT, "  %s peak goodput with %s: %.1f = %.2f of the %.1f with %s (target >= 0.95)%n",
                    ratio >= 0.95 ? "MET" : "MISSED", plan.compare(), comparedReport.peakGoodput(), ratio, report.peakGoodput(),
                    setup.cameras()));
        }
        ObjectNode json = Machine.report("sweep");
        setup.describe(json, plan.secondsPerPoint());
        json.putPOJO("plan", plan);
        json.putPOJO("modelOnly", modelOnly.rows());
        json.putPOJO("report", report);
        json.putPOJO("verdicts", report.verdicts());
        if (comparedReport != null) {
            json.putPOJO("compared", comparedReport);
        }
        if (neighbourReport != null) {
            json.putPOJO("besideNeighbour", neighbourReport);
            json.putPOJO("besideNeighbourVerdicts", neighbourReport.verdicts());
        }
        boolean accounted = results.stream().allMatch(SweepMeasurement.PointResult::accounted)
                && compared.stream().allMatch(SweepMeasurement.PointResult::accounted);
        return new BenchReport.Drawn(text.toString(), json, accounted, png -> report.plot(png, "sweep, budget " + budgetMs + " ms"));
    }
}
