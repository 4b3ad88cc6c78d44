package io.framewise.app.tools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class CaptureClockTest {

    @Test
    void withoutASenderClockThereIsNoCameraTime() {
        CaptureClock clock = new CaptureClock(() -> -1, 40_000);
        assertThat(clock.capture(0)).isEmpty();
        assertThat(clock.waitsForTime()).isFalse();
    }

    @Test
    void cameraTimeIsTheSendersEpochPlusThePresentationTimeAndAnUntimedUnitFollowsByAnInterval() {
        AtomicLong epoch = new AtomicLong(1_000_000_000L);
        CaptureClock clock = new CaptureClock(epoch::get, 40_000);
        assertThat(clock.waitsForTime()).as("first unit without a time is held").isTrue();
        assertThat(clock.capture(-1)).isEmpty();
        assertThat(clock.capture(0)).isEqualTo(OptionalLong.of(1_000_000_000L));
        assertThat(clock.capture(40_000)).isEqualTo(OptionalLong.of(1_000_040_000L));
        assertThat(clock.capture(-1)).isEqualTo(OptionalLong.of(1_000_080_000L));
        assertThat(clock.waitsForTime()).isFalse();
    }
}
