package io.framewise.inference.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.framewise.inference.serving.Admission.Decision;
import io.framewise.inference.serving.Admission.Route;
import io.framewise.schema.Status;
import org.junit.jupiter.api.Test;

/** The admission rule on its own: made-up times and outlooks, no model, no clock. One reason per skip. */
class AdmissionTest {
    private static final long NOW = 1_000_000_000L;
    private static final long DEADLINE = NOW + 100;
    private static final Outlook IN_TIME = new Outlook(NOW + 50, false);
    private static final Outlook LATE = new Outlook(NOW + 500, false);
    private static final Outlook LATE_PROBE_DUE = new Outlook(NOW + 500, true);

    private static final Decision PRIMARY = new Decision(Route.PRIMARY, false, null);
    private static final Decision FALLBACK = new Decision(Route.FALLBACK, false, null);
    private static final Decision PROBE_PRIMARY = new Decision(Route.PRIMARY, true, null);
    private static final Decision PROBE_FALLBACK = new Decision(Route.FALLBACK, true, null);

    private static Decision decide(long now, boolean superseded, BudgetPolicy policy, Outlook primary, Outlook fallback) {
        return Admission.decide(now, new Admission.Request(DEADLINE, false, superseded, policy), primary, fallback);
    }

    private static Decision skipped(SkipReason reason) {
        return new Decision(null, false, reason);
    }

    @Test
    void aSpentBudgetIsSkippedWhateverThePolicyOrTheOutlook() {
        for (BudgetPolicy p : BudgetPolicy.values()) {
            assertThat(decide(DEADLINE, false, p, IN_TIME, IN_TIME)).isEqualTo(skipped(SkipReason.EXPIRED));
        }
    }

    @Test
    void aFrameExpectedInTimeGoesToThePrimary() {
        assertThat(decide(NOW, false, BudgetPolicy.SKIP, IN_TIME, null)).isEqualTo(PRIMARY);
    }

    @Test
    void aFrameExpectedLateIsSkippedOrFallsBackOrRunsAnywayPerPolicy() {
        assertThat(decide(NOW, false, BudgetPolicy.SKIP, LATE, IN_TIME)).isEqualTo(skipped(SkipReason.FORECAST));
        assertThat(decide(NOW, false, BudgetPolicy.FALLBACK, LATE, IN_TIME)).isEqualTo(FALLBACK);
        assertThat(decide(NOW, false, BudgetPolicy.FALLBACK, LATE, LATE)).isEqualTo(skipped(SkipReason.FORECAST));
        assertThat(decide(NOW, false, BudgetPolicy.FALLBACK, LATE, null)).isEqualTo(skipped(SkipReason.FORECAST));
        assertThat(decide(NOW, false, BudgetPolicy.BEST_EFFORT, LATE, null)).isEqualTo(PRIMARY);
    }

    @Test
    void aModelWithoutRecentFeedbackGetsAProbeSoThatItsOutlookMeetsRealityAgain() {
        assertThat(decide(NOW, false, BudgetPolicy.SKIP, LATE_PROBE_DUE, null)).isEqualTo(PROBE_PRIMARY);
        assertThat(decide(NOW, false, BudgetPolicy.FALLBACK, LATE, LATE_PROBE_DUE)).isEqualTo(PROBE_FALLBACK);
        // but never for a frame whose budget is already spent
        assertThat(decide(DEADLINE + 1, false, BudgetPolicy.SKIP, LATE_PROBE_DUE, null)).isEqualTo(skipped(SkipReason.EXPIRED));
    }

    @Test
    void aSampledOutFrameIsSkippedFirstWhateverThePolicyOrTheOutlookAndItsEventSaysSo() {
        for (BudgetPolicy p : BudgetPolicy.values()) {
            Decision d = Admission.decide(DEADLINE + 1, new Admission.Request(DEADLINE, true, true, p), LATE_PROBE_DUE, null);
            assertThat(d).isEqualTo(skipped(SkipReason.SAMPLED));
            assertThat(d.admitted()).isFalse();
        }
        assertThat(SkipReason.SAMPLED.status()).isEqualTo(Status.SKIPPED_SAMPLED);
        for (SkipReason r : SkipReason.values()) {
            assertThat(r.text()).as("every reason is said in its event").isNotBlank();
            if (r != SkipReason.SAMPLED) {
                assertThat(r.status()).isEqualTo(Status.SKIPPED_LATE);
            }
        }
    }

    @Test
    void aSupersededFrameIsSkippedUnlessTheUserWantsEveryFrame() {
        assertThat(decide(NOW, true, BudgetPolicy.SKIP, IN_TIME, null)).isEqualTo(skipped(SkipReason.SUPERSEDED));
        assertThat(decide(NOW, true, BudgetPolicy.FALLBACK, IN_TIME, IN_TIME)).isEqualTo(skipped(SkipReason.SUPERSEDED));
        assertThat(decide(NOW, true, BudgetPolicy.BEST_EFFORT, IN_TIME, null)).isEqualTo(PRIMARY);
    }
}
