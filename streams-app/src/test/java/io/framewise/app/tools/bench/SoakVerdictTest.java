package io.framewise.app.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SoakVerdictTest {
    private static MemorySampler.Sample periodic(long frames, long rssMb) {
        return new MemorySampler.Sample(frames / 10.0, rssMb << 20, 100 << 20, frames, false);
    }

    @Test
    void growthIsJudgedBetweenPeriodicSamplesAfterWarmUpNotAgainstTheSampleTakenAfterAGc() {
        List<MemorySampler.Sample> samples = List.of(periodic(0, 500), periodic(1000, 900), periodic(3000, 1000),
                periodic(9000, 1100), new MemorySampler.Sample(901, 800L << 20, 50 << 20, 9000, true));
        SoakVerdict v = SoakVerdict.of(samples, 2000, 5);
        assertThat(v.warm().frames()).isEqualTo(3000);
        assertThat(v.end().frames()).isEqualTo(9000);
        assertThat(v.end().collected()).as("the sample after the final GC is not compared").isFalse();
        assertThat(v.growthPercent()).isCloseTo(10.0, Offset.offset(1e-9));
        assertThat(v.flat()).isFalse();
    }

    @Test
    void aSoakThatCannotReadTheResidentMemoryFailsInsteadOfReportingFlat() {
        List<MemorySampler.Sample> samples = List.of(periodic(0, -1), periodic(5000, -1));
        assertThatThrownBy(() -> SoakVerdict.of(samples, 2000, 5)).isInstanceOf(SoakVerdict.Unmeasurable.class)
                .hasMessageContaining("cannot be read");
    }
}
