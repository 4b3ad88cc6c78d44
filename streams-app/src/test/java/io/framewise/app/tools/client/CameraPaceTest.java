package io.framewise.app.tools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** A camera keeps its pace after a stall instead of sending the backlog in a burst. The test owns the clock. */
class CameraPaceTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> waits = new ArrayList<>();
    private final CameraPace pace = new CameraPace(10, now::get, nanos -> {
        waits.add(nanos);
        now.addAndGet(nanos);
    });

    @Test
    void framesAreSentAtTheCamerasPace() throws InterruptedException {
        for (int n = 0; n < 5; n++) {
            pace.awaitFrame(n);
        }
        assertThat(waits).containsExactly(100_000_000L, 100_000_000L, 100_000_000L, 100_000_000L);
        assertThat(pace.late()).isZero();
    }

    @Test
    void afterAStallTheScheduleRestartsInsteadOfSendingTheBacklogAtOnce() throws InterruptedException {
        pace.awaitFrame(0);
        pace.awaitFrame(1);
        now.addAndGet(2_000_000_000L); // the producer stalls for 2 s while frame 1 is sent
        pace.awaitFrame(2); // 1.9 s late: sent now, counted, and the schedule restarts here
        waits.clear();
        for (int n = 3; n < 23; n++) {
            pace.awaitFrame(n);
        }
        assertThat(pace.late()).isEqualTo(1);
        assertThat(pace.worstLateNanos()).isEqualTo(1_900_000_000L);
        assertThat(waits).as("the 20 frames after the stall keep the pace: no burst").hasSize(20)
                .allSatisfy(w -> assertThat(w).isEqualTo(100_000_000L));
    }

    @Test
    void aFrameLateByLessThanAnIntervalIsSentAtOnceWithoutRestarting() throws InterruptedException {
        pace.awaitFrame(0);
        now.addAndGet(150_000_000L); // frame 1 was due at 100 ms
        pace.awaitFrame(1);
        pace.awaitFrame(2); // due at 200 ms: 50 ms from now
        assertThat(pace.late()).isZero();
        assertThat(waits).containsExactly(50_000_000L);
    }
}
