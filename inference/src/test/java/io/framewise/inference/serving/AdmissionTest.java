package io.framewise.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.framewise.app.config.BudgetPolicy;
import io.framewise.app.pipeline.AdmissionController.Outlook;
import io.framewise.app.pipeline.AdmissionController.Verdict;
import org.junit.jupiter.api.Test;

/** The admission rule on its own: made-up times and outlooks, no model, no clock. */
class AdmissionControllerTest {
    private static final long NOW = 1_000_000_000L;
    private static final long DEADLINE = NOW + 100;
    private static final Outlook IN_TIME = new Outlook(NOW + 50, false);
    private static final Outlook LATE = new Outlook(NOW + 500, false);
    private static final Outlook LATE_PROBE_DUE = new Outlook(NOW + 500, true);

    private static Verdict decide(long now, boolean superseded, BudgetPolicy policy, Outlook primary, Outlook fallback) {
        return AdmissionController.decide(now, DEADLINE, superseded, policy, primary, fallback);
    }

    @Test
    void aSpentBudgetIsSkippedWhateverThePolicyOrTheOutlook() {
        for (BudgetPolicy p : BudgetPolicy.values()) {
            assertThat(decide(DEADLINE, false, p, IN_TIME, IN_TIME)).isEqualTo(Verdict.SKIP_EXPIRED);
        }
    }

    @Test
    void aFrameExpectedInTimeGoesToThePrimary() {
        assertThat(decide(NOW, false, BudgetPolicy.SKIP, IN_TIME, null)).isEqualTo(Verdict.PRIMARY);
    }

    @Test
    void aFrameExpectedLateIsSkippedOrFallsBackOrRunsAnywayPerPolicy() {
        assertThat(decide(NOW, false, BudgetPolicy.SKIP, LATE, IN_TIME)).isEqualTo(Verdict.SKIP_FORECAST);
        assertThat(decide(NOW, false, BudgetPolicy.FALLBACK, LATE, IN_TIME)).isEqualTo(Verdict.FALLBACK);
        assertThat(decide(NOW, false, BudgetPolicy.FALLBACK, LATE, LATE)).isEqualTo(Verdict.SKIP_FORECAST);
        assertThat(decide(NOW, false, BudgetPolicy.FALLBACK, LATE, null)).isEqualTo(Verdict.SKIP_FORECAST);
        assertThat(decide(NOW, false, BudgetPolicy.BEST_EFFORT, LATE, null)).isEqualTo(Verdict.PRIMARY);
    }

    @Test
    void aModelWithoutRecentFeedbackGetsAProbeSoThatItsOutlookMeetsRealityAgain() {
        assertThat(decide(NOW, false, BudgetPolicy.SKIP, LATE_PROBE_DUE, null)).isEqualTo(Verdict.PROBE_PRIMARY);
        assertThat(decide(NOW, false, BudgetPolicy.FALLBACK, LATE, LATE_PROBE_DUE)).isEqualTo(Verdict.PROBE_FALLBACK);
        assertThat(Verdict.PROBE_FALLBACK.fallback()).isTrue();
        assertThat(Verdict.PROBE_PRIMARY.probe()).isTrue();
        // but never for a frame whose budget is already spent
        assertThat(decide(DEADLINE + 1, false, BudgetPolicy.SKIP, LATE_PROBE_DUE, null)).isEqualTo(Verdict.SKIP_EXPIRED);
    }

    @Test
    void aSupersededFrameIsSkippedUnlessTheUserWantsEveryFrame() {
        assertThat(decide(NOW, true, BudgetPolicy.SKIP, IN_TIME, null)).isEqualTo(Verdict.SKIP_SUPERSEDED);
        assertThat(decide(NOW, true, BudgetPolicy.FALLBACK, IN_TIME, IN_TIME)).isEqualTo(Verdict.SKIP_SUPERSEDED);
        assertThat(decide(NOW, true, BudgetPolicy.BEST_EFFORT, IN_TIME, null)).isEqualTo(Verdict.PRIMARY);
    }

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
