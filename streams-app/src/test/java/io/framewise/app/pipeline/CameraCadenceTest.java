package io.framewise.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The supersession rule of the intake, on made-up capture times. */
class CameraCadenceTest {
    @Test
    void cadenceCountsTheNewerFramesOfACameraWaitingBehindAFrameTakenLate() {
        CameraCadence cadence = new CameraCadence();
        long interval = 0;
        for (int i = 0; i < 20; i++) {
            interval = cadence.observe("cam", i * 33_000_000L); // 30 fps
        }
        assertThat(interval).isEqualTo(33_000_000L);
        assertThat(CameraCadence.newerWaiting(20_000_000L, interval)).as("taken within an interval").isZero();
        assertThat(CameraCadence.newerWaiting(interval + 49_000_000L, interval)).as("the newer one is not delivered yet")
                .isZero();
        assertThat(CameraCadence.newerWaiting(interval + 51_000_000L, interval)).isEqualTo(1);
        assertThat(CameraCadence.newerWaiting(10 * interval + 50_000_000L, interval)).isEqualTo(10);
        assertThat(cadence.observe("other", 0)).as("unknown camera: no interval, nothing known to be behind").isZero();
        assertThat(CameraCadence.newerWaiting(10_000_000_000L, 0)).isZero();
    }
}
