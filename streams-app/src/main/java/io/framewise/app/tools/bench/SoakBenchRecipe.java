package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code bench soak}: a number of frames through the pipeline, every one classified (the soak exercises decode,
 * tensors and the engine, not the skip path), while RSS and heap are sampled; memory must stay flat after warm-up.
 */
public final class SoakBenchRecipe {
    /** The soak's budget: long enough that every frame is classified. */
    static final long BUDGET_MS = 600_000;

    private SoakBenchRecipe() {
    }

    /**
     * @param fps            total frames/s offered; 0 as fast as the pipeline answers
     * @param maxGrowthPercent growth of the resident memory outside the Java heap after warm-up above which the soak fails
     * @throws SoakVerdict.Unmeasurable where the process's RSS cannot be read
     */
    public static BenchReport run(PipelineSetup setup, long frames, double fps, double maxGrowthPercent, PrintWriter log)
            throws Exception {
        AtomicLong accounted = new AtomicLong();
        PipelineMeasurement.Result result;
        MemorySampler.Sample collectedEnd;
        List<MemorySampler.Sample> samples;
        // A closed loop stops after the time it takes; the frame count is what the soak is about: estimate the time
        // from a target rate when one is given, else run until the count is reached (generous time bound).
        double seconds = fps > 0 ? frames / fps : Math.max(10, frames / 5.0);
        try (BenchCluster cluster = BenchCluster.open(setup.bootstrapServers(), "soak");
             MemorySampler sampler = new MemorySampler(accounted::get)) {
            ProgressBar progress = new ProgressBar(log, "soak", frames);
            result = new PipelineMeasurement(setup.settings("soak", cluster, BUDGET_MS), setup.model(), setup.cameras())
                    .run(fps, seconds, frames, progress, accounted);
            progress.finish();
            collectedEnd = sampler.sample(true);
            samples = sampler.samples();
        }
        // Warm-up: the JVM grows its heap to the working size over the first thousand or two frames (measured: RSS
        // plateaus after about 1,200 frames of L1); growth is judged after that.
        long warmFrames = Math.min(frames / 2, Math.max(2000, frames / 10));
        SoakVerdict verdict = SoakVerdict.of(samples, warmFrames, maxGrowthPercent);
        MemorySampler.Sample warm = verdict.warm();
        MemorySampler.Sample end = verdict.end();

        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "soak: %d frames (%s), %d dead letters, %s%n", result.published(),
                result.byStatus(), result.deadLettered(), result.accounting()));
        text.append("  seconds    frames    RSS MB   heap MB  (committed)  (resident)  outside heap MB\n");
        int step = Math.max(1, samples.size() / 12);
        for (int i = 0; i < samples.size(); i += step) {
            text.append(row(samples.get(i), ""));
        }
        text.append(row(end, "  (last periodic sample)"));
        text.append(row(collectedEnd, "  (after a GC, for the live heap; not compared)"));
        text.append(String.format(Locale.ROOT, "  resident memory outside the Java heap after warm-up (%d frames): %.1f MB; "
                + "at the end: %.1f MB; growth %.2f%% (limit %.1f%%): %s%n", warm.frames(), warm.outsideHeapBytes() / 1e6,
                end.outsideHeapBytes() / 1e6, verdict.growthPercent(), maxGrowthPercent, verdict.flat() ? "FLAT" : "GROWING"));

        ObjectNode json = Machine.report("soak");
        setup.describe(json, seconds);
        json.put("frames", result.published());
        json.put("complete", result.complete());
        json.put("warmupFrames", warm.frames());
        json.put("rssAfterWarmupBytes", warm.rssBytes());
        json.put("rssAtEndBytes", end.rssBytes());
        json.put("outsideHeapAfterWarmupBytes", warm.outsideHeapBytes());
        json.put("outsideHeapAtEndBytes", end.outsideHeapBytes());
        json.put("outsideHeapGrowthPercent", verdict.growthPercent());
        json.put("flat", verdict.flat());
        json.putPOJO("samples", samples);
        return new BenchReport.Finished(text.toString(), json, verdict.flat() && result.complete());
    }

    private static String row(MemorySampler.Sample x, String note) {
        return String.format(Locale.ROOT, "  %7.1f %9d %9.1f %9.1f %12.1f %11.1f %16.1f%s%n", x.atSeconds(),
                x.frames(), x.rssBytes() / 1e6, x.heapBytes() / 1e6, x.heapCommittedBytes() / 1e6, x.heapResidentBytes() / 1e6,
                x.outsideHeapBytes() / 1e6, note);
    }
}
