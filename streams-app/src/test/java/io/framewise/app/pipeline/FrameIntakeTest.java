package io.framewise.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.testing.MutableClock;
import io.framewise.app.testing.TestFrames;
import io.framewise.inference.serving.BudgetPolicy;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import org.junit.jupiter.api.Test;

/**
 * The per-frame rules on their own: a made-up clock (wall and monotonic move together), no Kafka, no model. What
 * the topology tests check through a whole topology, checked here in microseconds, rule by rule.
 */
class FrameIntakeTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    /** Monotonic nanoseconds that follow the made-up clock. */
    private long nanos() {
        return Duration.between(T0, clock.instant()).toNanos() + 1_000_000_000L;
    }

    private FrameIntake intake(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put("bootstrap.servers", "unused:9092");
        return new FrameIntake(new FramewiseConfig(all), clock, this::nanos);
    }

    private static Frame frame(String camera, long sequence, Instant captured, Map<String, String> attributes) {
        Frame f = TestFrames.frame(camera, sequence, captured, new byte[] {1}, Codec.JPEG);
        f.setAttributes(attributes);
        return f;
    }

    @Test
    void theDeadlineIsTheCaptureTimePlusTheBudgetLessTheDeliveryReserveOnTheMonotonicClock() {
        FrameIntake intake = intake(Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, 400L,
                FramewiseConfig.DELIVERY_RESERVE_MS_CONFIG, 30L));
        Intake in = intake.take(frame("cam", 0, T0.minusMillis(100), Map.of()), "cam", f -> false);
        assertThat(in.budgetMs()).isEqualTo(400);
        assertThat(in.queueingMs()).isEqualTo(100.0);
        assertThat(in.request().deadlineNanos() - in.startNanos()).isEqualTo(Duration.ofMillis(400 - 100 - 30).toNanos());
        assertThat(in.request().policy()).isEqualTo(BudgetPolicy.SKIP);
        assertThat(in.replay()).isFalse();
    }

    @Test
    void aFramesOwnBudgetAppliesAndAnUnusableOneFallsBackToTheDeployments() {
        FrameIntake intake = intake(Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, 400L));
        String budget = FrameIntake.BUDGET_ATTRIBUTE;
        assertThat(intake.take(frame("a", 0, T0, Map.of(budget, "1500.4")), "a", f -> false).budgetMs()).isEqualTo(1500);
        assertThat(intake.take(frame("b", 0, T0, Map.of(budget, "0.2")), "b", f -> false).budgetMs()).isEqualTo(400);
        assertThat(intake.take(frame("c", 0, T0, Map.of(budget, "1e308")), "c", f -> false).budgetMs()).isEqualTo(400);
        assertThat(intake.take(frame("d", 0, T0, Map.of(budget, "soon")), "d", f -> false).budgetMs()).isEqualTo(400);
    }

    @Test
    void aCameraIsSampledFromItsLastClassifiedFrameAtItsMaxFps() {
        FrameIntake intake = intake(Map.of(FramewiseConfig.CAMERA_MAX_FPS_CONFIG, 2.0));
        Frame first = frame("cam", 0, T0, Map.of());
        assertThat(intake.take(first, "cam", f -> false).request().sampled()).as("nothing classified yet").isFalse();
        intake.classified(first);
        assertThat(intake.take(frame("cam", 1, T0.plusMillis(499), Map.of()), "cam", f -> false).request().sampled()).isTrue();
        assertThat(intake.take(frame("cam", 2, T0.plusMillis(500), Map.of()), "cam", f -> false).request().sampled()).isFalse();
        assertThat(intake.take(frame("other", 0, T0.plusMillis(1), Map.of()), "other", f -> false).request().sampled())
                .as("per camera").isFalse();
        Map<String, String> ownRate = Map.of(FrameIntake.MAX_FPS_ATTRIBUTE, "100");
        assertThat(intake.take(frame("cam", 3, T0.plusMillis(11), ownRate), "cam", f -> false).request().sampled())
                .as("the camera's own max fps").isFalse();
    }

    @Test
    void aFrameTakenLateKnowsHowManyNewerFramesOfItsCameraWaitBehindIt() {
        FrameIntake intake = intake(Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, 1000L));
        for (int i = 0; i < 10; i++) { // 10 fps, each taken as it comes
            clock.advance(Duration.ofMillis(i == 0 ? 0 : 100));
            assertThat(intake.take(frame("cam", i, clock.instant(), Map.of()), "cam", f -> false).request().newerWaiting()).isZero();
        }
        clock.advance(Duration.ofMillis(400)); // the next frame is taken 400 ms after its capture: four newer ones behind it
        Instant captured = clock.instant().minusMillis(400);
        Intake late = intake.take(frame("cam", 10, captured, Map.of()), "cam", f -> false);
        assertThat(late.request().newerWaiting()).as("(400 - 50 ms) / 100 ms").isEqualTo(3);
        assertThat(late.request().intervalNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void aReplayIsJudgedFromTheFrameNotFromItsLatenessAndIsNeverSampledOrSuperseded() {
        FrameIntake intake = intake(Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, 200L,
                FramewiseConfig.CAMERA_MAX_FPS_CONFIG, 1.0));
        Frame old = frame("cam", 7, T0.minusSeconds(30), Map.of());
        intake.classified(old);
        Intake in = intake.take(old, "cam", f -> f.getSequence() == 7);
        assertThat(in.replay()).isTrue();
        assertThat(in.request().policy()).isEqualTo(BudgetPolicy.BEST_EFFORT);
        assertThat(in.request().deadlineNanos()).isGreaterThan(in.startNanos() + Duration.ofHours(1).toNanos());
        assertThat(in.request().sampled()).isFalse();
        assertThat(in.request().newerWaiting()).isZero();
    }

    @Test
    void anUnusableFrameIsRefusedWithItsReasonBeforeAnythingIsKeptForItsCamera() {
        FrameIntake intake = intake(Map.of());
        assertThatThrownBy(() -> intake.take(null, "k", f -> false)).isInstanceOf(InvalidFrameException.class)
                .hasMessageContaining("tombstone");
        assertThatThrownBy(() -> intake.take(frame(" ", 0, T0, Map.of()), "k", f -> false))
                .hasMessageContaining("empty cameraId");
        assertThatThrownBy(() -> intake.take(frame("cam\u0007", 0, T0, Map.of()), "k", f -> false))
                .isInstanceOf(InvalidFrameException.class).hasMessageContaining("camera id");
        assertThatThrownBy(() -> intake.take(frame("cam", 0, T0.plusSeconds(3600), Map.of()), "k", f -> false))
                .hasMessageContaining("in the future");
        assertThatThrownBy(() -> intake.take(frame("cam", 0, Instant.EPOCH.minusSeconds(1), Map.of()), "k", f -> false))
                .hasMessageContaining("before 1970");
        boolean[] asked = new boolean[1];
        assertThatThrownBy(() -> intake.take(frame("cam\u0000", 0, T0, Map.of()), "k", f -> asked[0] = true))
                .isInstanceOf(InvalidFrameException.class);
        assertThat(asked[0]).as("a refused frame is never looked up as a replay").isFalse();
    }
}
