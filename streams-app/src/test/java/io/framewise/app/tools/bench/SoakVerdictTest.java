package io.framewise.app.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.MemoryUsage;
import java.util.List;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SoakVerdictTest {
    private static MemorySampler.Sample periodic(long frames, long rssMb) {
        return new MemorySampler.Sample(frames / 10.0, rssMb << 20, 100 << 20, 200 << 20, -1, frames, false);
    }

    @Test
    void growthIsJudgedBetweenPeriodicSamplesAfterWarmUpNotAgainstTheSampleTakenAfterAGc() {
        List<MemorySampler.Sample> samples = List.of(periodic(0, 500), periodic(1000, 900), periodic(3000, 1000),
                periodic(9000, 1100), new MemorySampler.Sample(901, 800L << 20, 50 << 20, 200 << 20, -1, 9000, true));
        SoakVerdict v = SoakVerdict.of(samples, 2000, 5);
        assertThat(v.warm().frames()).isEqualTo(3000);
        assertThat(v.end().frames()).isEqualTo(9000);
        assertThat(v.end().collected()).as("the sample after the final GC is not compared").isFalse();
        // outside the heap (200 MB committed): 800 MB after warm-up, 900 MB at the end
        assertThat(v.growthPercent()).isCloseTo(12.5, Offset.offset(1e-9));
        assertThat(v.flat()).isFalse();
    }

    @Test
    void theHeapGrowingToItsWorkingSizeIsNoLeak() {
        // the collector commits and touches 600 MB more heap after warm-up; the memory outside the heap stays at 800 MB
        List<MemorySampler.Sample> samples = List.of(
                new MemorySampler.Sample(1, 1000L << 20, 150 << 20, 200 << 20, 200 << 20, 3000, false),
                new MemorySampler.Sample(9, 1600L << 20, 700 << 20, 800 << 20, 800 << 20, 9000, false));
        SoakVerdict v = SoakVerdict.of(samples, 2000, 5);
        assertThat(v.growthPercent()).isCloseTo(0.0, Offset.offset(1e-9));
        assertThat(v.flat()).isTrue();
    }

    @Test
    void heapCommittedAtWarmUpButTouchedOnlyLaterIsNoLeak() {
        // one run here: 1,000 MB committed after warm-up of which 400 MB resident; by the end the collector had used
        // the rest. Against committed, that read as 30% growth outside the heap; against the heap's resident pages, none.
        List<MemorySampler.Sample> samples = List.of(
                new MemorySampler.Sample(1, 2400L << 20, 300 << 20, 1000L << 20, 400 << 20, 3000, false),
                new MemorySampler.Sample(9, 3000L << 20, 700 << 20, 1000L << 20, 1000L << 20, 9000, false));
        SoakVerdict v = SoakVerdict.of(samples, 2000, 15);
        assertThat(v.warm().outsideHeapBytes()).isEqualTo(2000L << 20);
        assertThat(v.growthPercent()).isCloseTo(0.0, Offset.offset(1e-9));
        assertThat(v.flat()).isTrue();
        // and a native leak of 600 MB with the heap unchanged is still seen
        SoakVerdict leak = SoakVerdict.of(List.of(samples.get(0),
                new MemorySampler.Sample(9, 3000L << 20, 300 << 20, 1000L << 20, 400 << 20, 9000, false)), 2000, 15);
        assertThat(leak.growthPercent()).isCloseTo(30.0, Offset.offset(1e-9));
        assertThat(leak.flat()).isFalse();
    }

    @Test
    void aPeriodicSampleTakenAfterTheFinalForcedGcIsNotTheEnd() throws Exception {
        // CI's run: after warm-up RSS 2,150 MB with 1,357 MB of heap committed. The final forced GC gave 357 MB of
        // committed heap back at once, its pages still resident, and the periodic sampler caught that moment: as the
        // end it read as 45% growth outside the heap.
        long[] rss = {2150L << 20};
        long[] committed = {1357L << 20};
        long[] frames = {600};
        MemorySampler sampler = new MemorySampler(() -> frames[0], () -> rss[0], () -> -1L,
                () -> new MemoryUsage(0, 500L << 20, committed[0], 4096L << 20), false);
        sampler.sample(false);
        frames[0] = 900;
        rss[0] = 2149L << 20;
        sampler.sample(false);
        Thread.sleep(5); // the samples' clock moves on
        committed[0] = 1000L << 20;
        sampler.sample(true);
        Thread.sleep(5);
        sampler.sample(false); // the periodic thread, right after the forced GC
        SoakVerdict v = SoakVerdict.of(sampler.samples(), 500, 15);
        assertThat(v.end().rssBytes()).isEqualTo(2149L << 20);
        assertThat(v.end().heapCommittedBytes()).isEqualTo(1357L << 20);
        assertThat(v.growthPercent()).isCloseTo(-0.13, Offset.offset(0.01));
        assertThat(v.flat()).isTrue();
    }

    @Test
    void aSoakThatCannotReadTheResidentMemoryFailsInsteadOfReportingFlat() {
        List<MemorySampler.Sample> samples = List.of(periodic(0, -1), periodic(5000, -1));
        assertThatThrownBy(() -> SoakVerdict.of(samples, 2000, 5)).isInstanceOf(SoakVerdict.Unmeasurable.class)
                .hasMessageContaining("cannot be read");
    }
}
