package io.framewise.app.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.schema.Status;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Figures and plots of a pipeline run, computed from what the consumer saw. */
public final class PipelineReport {
    private final PipelineMeasurement.Result result;
    private final List<PipelineMeasurement.Sample> classified;

    public PipelineReport(PipelineMeasurement.Result result) {
        this.result = result;
        this.classified = result.samples().stream().filter(s -> s.status() == Status.OK).toList();
    }

    public PipelineMeasurement.Result result() {
        return result;
    }

    private static double percentile(List<Double> values, double q) {
        return values.isEmpty() ? Double.NaN
                : Percentiles.nearestRank(values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), q);
    }

    private List<Double> of(ToDoubleFunction<PipelineMeasurement.Sample> f) {
        List<Double> v = new ArrayList<>(classified.size());
        classified.forEach(s -> v.add(f.applyAsDouble(s)));
        return v;
    }

    /** Capture-to-event latency of classified frames: p50, p95, p99, max. */
    public Map<String, Double> endToEnd() {
        List<Double> e2e = of(PipelineMeasurement.Sample::endToEndMs);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50", percentile(e2e, 0.50));
        m.put("p95", percentile(e2e, 0.95));
        m.put("p99", percentile(e2e, 0.99));
        m.put("max", percentile(e2e, 1.0));
        return m;
    }

    /** Mean and p99 of each stage of classified frames, in ms. */
    public Map<String, double[]> stages() {
        Map<String, ToDoubleFunction<PipelineMeasurement.Sample>> stages = new LinkedHashMap<>();
        stages.put("queueing", PipelineMeasurement.Sample::queueingMs);
        stages.put("decode", PipelineMeasurement.Sample::decodeMs);
        stages.put("preprocess", PipelineMeasurement.Sample::preprocessMs);
        stages.put("batch wait", PipelineMeasurement.Sample::batchWaitMs);
        stages.put("inference", PipelineMeasurement.Sample::inferenceMs);
        stages.put("end to end", PipelineMeasurement.Sample::endToEndMs);
        Map<String, double[]> out = new LinkedHashMap<>();
        stages.forEach((name, f) -> {
            List<Double> v = of(f);
            out.put(name, new double[] {v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), percentile(v, 0.99)});
        });
        return out;
    }

    public double meanBatchSize() {
        return classified.stream().mapToInt(PipelineMeasurement.Sample::batchSize).average().orElse(Double.NaN);
    }

    public double skipRate() {
        long events = result.byStatus().values().stream().mapToLong(Long::longValue).sum();
        long skipped = result.byStatus().getOrDefault(Status.SKIPPED_LATE, 0L) + result.byStatus().getOrDefault(Status.SKIPPED_SAMPLED, 0L);
        return events == 0 ? 0 : (double) skipped / events;
    }

    public double deadlineMissRate() {
        return classified.isEmpty() ? 0 : classified.stream().filter(s -> !s.deadlineMet()).count() / (double) classified.size();
    }

    public long maxBacklog() {
        return result.lag().stream().mapToLong(PipelineMeasurement.LagPoint::backlog).max().orElse(0);
    }

    /** Backlog when publishing stopped. */
    public long backlogAtPublishEnd() {
        return result.lag().stream().filter(p -> p.atSeconds() <= result.publishSeconds()).reduce((a, b) -> b)
                .map(PipelineMeasurement.LagPoint::backlog).orElse(0L);
    }

    /** Lag is bounded when the backlog at the end of publishing is under one second of offered frames. */
    public boolean lagBounded() {
        return backlogAtPublishEnd() <= Math.max(50, result.offeredFps());
    }

    public String summary(String title) {
        StringBuilder s = new StringBuilder(title).append('\n');
        PipelineMeasurement.Result r = result;
        s.append(String.format(Locale.ROOT, "  offered %.1f frames/s for %.1f s: published %d; events %s; dead-lettered %d; %s%n",
                r.offeredFps(), r.publishSeconds(), r.published(), r.byStatus(), r.deadLettered(),
                r.accounting()));
        s.append(String.format(Locale.ROOT, "  classified %.1f frames/s; skip rate %.1f%%; deadline misses %.1f%% of classified; mean batch %.2f%n",
                r.classifiedPerSecond(), 100 * skipRate(), 100 * deadlineMissRate(), meanBatchSize()));
        Map<String, Double> e2e = endToEnd();
        s.append(String.format(Locale.ROOT, "  capture-to-event latency of classified frames: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                e2e.get("p50"), e2e.get("p95"), e2e.get("p99"), e2e.get("max")));
        s.append("  stage          mean ms    p99 ms\n");
        stages().forEach((name, v) -> s.append(String.format(Locale.ROOT, "  %-12s %9.2f %9.2f%n", name, v[0], v[1])));
        s.append(String.format(Locale.ROOT, "  backlog: max %d frames, %d when publishing stopped (%s), drained in %.1f s%n",
                maxBacklog(), backlogAtPublishEnd(), lagBounded() ? "bounded" : "GROWING", r.drainSeconds()));
        return s.toString();
    }

    /** The figures of {@link #summary}, machine-readable. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        PipelineMeasurement.Result r = result;
        o.put("published", r.published());
        o.put("deadLettered", r.deadLettered());
        o.putPOJO("eventsByStatus", r.byStatus());
        o.put("complete", r.complete());
        o.put("offeredFps", r.offeredFps());
        o.put("classifiedPerSecond", r.classifiedPerSecond());
        o.put("skipRate", skipRate());
        o.put("deadlineMissRate", deadlineMissRate());
        o.put("meanBatchSize", meanBatchSize());
        o.putPOJO("endToEndMs", endToEnd());
        ObjectNode stages = o.putObject("stagesMs");
        stages().forEach((k, v) -> stages.putObject(k).put("mean", v[0]).put("p99", v[1]));
        o.put("maxBacklog", maxBacklog());
        o.put("backlogAtPublishEnd", backlogAtPublishEnd());
        o.put("lagBounded", lagBounded());
        o.put("drainSeconds", r.drainSeconds());
        return o;
    }

    /** Latency over time (classified and skipped frames) and its distribution, side by side. */
    public void plot(Path png, String title) throws IOException {
        XYChart overTime = new XYChartBuilder().width(800).height(450).title(title + ": latency over time")
                .xAxisTitle("seconds since start").yAxisTitle("capture to event (ms)").build();
        overTime.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarkerSize(3);
        addSeries(overTime, "skipped late", Status.SKIPPED_LATE);
        addSeries(overTime, "classified", Status.OK); // drawn last, on top
        List<Double> e2e = of(PipelineMeasurement.Sample::endToEndMs);
        CategoryChart histogram = new CategoryChartBuilder().width(600).height(450).title("distribution (classified)")
                .xAxisTitle("ms").yAxisTitle("frames").build();
        histogram.getStyler().setLegendVisible(false);
        histogram.getStyler().setXAxisLabelRotation(60);
        if (!e2e.isEmpty()) {
            double max = percentile(e2e, 0.999);
            int bins = 30;
            double width = Math.max(1e-6, max / bins);
            List<String> labels = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            for (int b = 0; b < bins; b++) {
                labels.add(String.format(Locale.ROOT, "%.0f", b * width));
                counts.add(0);
            }
            for (double v : e2e) {
                int b = (int) Math.min(bins - 1, v / width);
                counts.set(b, counts.get(b) + 1);
            }
            histogram.addSeries("latency", labels, counts);
        }
        List<Chart<?, ?>> charts = List.of(overTime, histogram);
        BitmapEncoder.saveBitmap(charts, 1, 2, stripPng(png), BitmapEncoder.BitmapFormat.PNG);
    }

    private void addSeries(XYChart chart, String name, Status status) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (PipelineMeasurement.Sample s : result.samples()) {
            if (s.status() == status) {
                x.add(s.atSeconds());
                y.add(s.endToEndMs());
            }
        }
        if (!x.isEmpty()) {
            chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
    }

    private static String stripPng(Path png) {
        String s = png.toString();
        return s.toLowerCase(Locale.ROOT).endsWith(".png") ? s.substring(0, s.length() - 4) : s;
    }
}
