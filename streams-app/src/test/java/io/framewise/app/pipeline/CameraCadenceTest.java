package io.framewise.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The supersession rule of the intake, on made-up capture times. */
class CameraCadenceTest {
    @Test
    void cadenceMarksAFrameSupersededOnlyOnceNewerFramesOfItsCameraAreBehindIt() {
        CameraCadence cadence = new CameraCadence();
        long interval = 0;
        for (int i = 0; i < 20; i++) {
            interval = cadence.observe("cam", i * 33_000_000L); // 30 fps
        }
        assertThat(interval).isEqualTo(33_000_000L);
        long budget = 200_000_000L;
        assertThat(CameraCadence.superseded(20_000_000L, interval, budget)).as("taken within an interval").isFalse();
        assertThat(CameraCadence.superseded(2 * interval + 49_000_000L, interval, budget)).isFalse();
        assertThat(CameraCadence.superseded(2 * interval + 51_000_000L, interval, budget)).isTrue();
        assertThat(CameraCadence.superseded(2 * interval + 51_000_000L, interval, 120_000_000_000L))
                .as("a generous budget accepts the staleness: every frame is classified").isFalse();
        assertThat(cadence.observe("other", 0)).as("unknown camera: no interval, never superseded").isZero();
        assertThat(CameraCadence.superseded(10_000_000_000L, 0, budget)).isFalse();
    }
}
