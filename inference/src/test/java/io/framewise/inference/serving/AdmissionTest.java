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

    /** 30 fps; a backlog behind the frame drains at 50 ms per frame: it falls further behind. */
    private static final long INTERVAL = 33;
    private static final Outlook IN_TIME_SLOW_TO_DRAIN = new Outlook(NOW + 50, false, 0, 50);

    /** With {@code superseded}, ten newer frames of the camera wait behind it. */
    private static Decision decide(long now, boolean superseded, BudgetPolicy policy, Outlook primary, Outlook fallback) {
        return Admission.decide(now, new Admission.Request(DEADLINE, false, superseded ? 10 : 0, INTERVAL, policy), primary,
                fallback);
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
            Decision d = Admission.decide(DEADLINE + 1, new Admission.Request(DEADLINE, true, 5, INTERVAL, p), LATE_PROBE_DUE, null);
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
    void aFrameWhoseCamerasBacklogCannotAllMakeItIsSupersededUnlessTheUserWantsEveryFrame() {
        assertThat(decide(NOW, true, BudgetPolicy.SKIP, IN_TIME_SLOW_TO_DRAIN, null)).isEqualTo(skipped(SkipReason.SUPERSEDED));
        assertThat(decide(NOW, true, BudgetPolicy.FALLBACK, IN_TIME_SLOW_TO_DRAIN, IN_TIME))
                .isEqualTo(skipped(SkipReason.SUPERSEDED));
        assertThat(decide(NOW, true, BudgetPolicy.BEST_EFFORT, IN_TIME_SLOW_TO_DRAIN, null)).isEqualTo(PRIMARY);
    }

    @Test
    void aBacklogThatCanAllMakeItsDeadlinesIsServedFrameByFrame() {
        // ten newer frames behind it, but each adds 20 ms against a 33 ms interval: the backlog shrinks as it is served
        Outlook drainsInTime = new Outlook(NOW + 50, false, 0, 20);
        assertThat(decide(NOW, true, BudgetPolicy.SKIP, drainsInTime, null)).isEqualTo(PRIMARY);
        // at the edge: the newest would finish exactly at its deadline
        long n = 10;
        Outlook edge = new Outlook(DEADLINE, false, 0, INTERVAL);
        assertThat(decide(NOW, true, BudgetPolicy.SKIP, edge, null)).isEqualTo(PRIMARY);
        Outlook overEdge = new Outlook(DEADLINE, false, 0, INTERVAL + 1);
        assertThat(decide(NOW, true, BudgetPolicy.SKIP, overEdge, null)).as("the newest of %d misses by %d ns", n, n)
                .isEqualTo(skipped(SkipReason.SUPERSEDED));
        assertThat(decide(NOW, true, BudgetPolicy.BEST_EFFORT, IN_TIME, null)).isEqualTo(PRIMARY);
    }
}
