package io.framewise.app.tools.bench;

import java.util.List;

/**
 * Whether a soak's memory stayed flat: the resident memory outside the Java heap ({@link
 * MemorySampler.Sample#outsideHeapBytes()}, where leaked tensors and Mats show) of the periodic samples (taken without
 * forcing a GC) after warm-up compared with the last periodic one before the final forced GC, like with like. A
 * sample taken right after a GC is never compared with one taken without, and neither is a periodic one taken after
 * it: the collector then gives committed heap back at once while its pages leave the resident set later (in a CI run,
 * committed fell by 357 MB with RSS flat, which read as 45% growth outside the heap). Refuses to judge when RSS could
 * not be read.
 *
 * @param warm     the first periodic sample at or after the warm-up frame count
 * @param end      the last periodic sample
 * @param growthPercent growth of the resident memory outside the heap from {@code warm} to {@code end}
 */
public record SoakVerdict(MemorySampler.Sample warm, MemorySampler.Sample end, double growthPercent, boolean flat) {

    /** Thrown when the samples cannot say anything (no RSS on this system, no periodic sample). */
    public static final class Unmeasurable extends IllegalStateException {
        public Unmeasurable(String message) {
            super(message);
        }
    }

    public static SoakVerdict of(List<MemorySampler.Sample> samples, long warmFrames, double maxGrowthPercent) {
        double forcedGc = samples.stream().filter(MemorySampler.Sample::collected)
                .mapToDouble(MemorySampler.Sample::atSeconds).min().orElse(Double.MAX_VALUE);
        List<MemorySampler.Sample> periodic = samples.stream()
                .filter(x -> !x.collected() && x.atSeconds() < forcedGc).toList();
        if (periodic.isEmpty()) {
            throw new Unmeasurable("no memory sample was taken during the soak");
        }
        if (periodic.stream().anyMatch(x -> x.rssBytes() <= 0)) {
            throw new Unmeasurable("the process's resident memory cannot be read here (no /proc/self/status)");
        }
        MemorySampler.Sample warm = periodic.stream().filter(x -> x.frames() >= warmFrames).findFirst().orElse(periodic.get(0));
        MemorySampler.Sample end = periodic.get(periodic.size() - 1);
        double growth = 100.0 * (end.outsideHeapBytes() - warm.outsideHeapBytes()) / warm.outsideHeapBytes();
        return new SoakVerdict(warm, end, growth, growth < maxGrowthPercent);
    }
}
