package io.framewise.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LargerBatchTrialTest {
    private static final long MS = 1_000_000L;
    private static final int EFFICIENT = 1;
    private static final int MAX = 8;
    private final LargerBatchTrial trial = new LargerBatchTrial(0.02);
    private long now = 1_000 * MS;

    /**
     * Forms and runs batches under the trial's limits on one lane while it gives them, a full batch under each limit
     * (a deep queue), each batch of n taking {@code msPerBatch[n]}; returns how many batches ran.
     */
    private int runTrial(long[] msPerBatch) {
        int ran = 0;
        while (ran < 100) {
            int limit = trial.nextLimit(now, EFFICIENT, MAX);
            if (!trial.trialRunning()) {
                return ran;
            }
            trial.formed(limit, MAX);
            now += msPerBatch[limit] * MS;
            trial.record(now, limit, msPerBatch[limit] * MS, limit, EFFICIENT, MAX);
            ran++;
        }
        throw new AssertionError("the trial never decided");
    }

    @Test
    void whenEverySizeIsSlowedAlikeTheEfficientSizeIsKeptAfterFourBatchesOfEach() {
        // this machine's L1 at 1.6 times warm-up's figures: batch 1 69 ms, batch 8 706 ms (8.9 against 11.3 images/s)
        long[] ms = new long[MAX + 1];
        ms[1] = 69;
        ms[MAX] = 706;
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).as("the larger limit's turn first").isEqualTo(MAX);
        assertThat(trial.limitInForce(now, EFFICIENT, MAX)).as("no verdict yet: every size").isEqualTo(MAX);
        assertThat(runTrial(ms)).isEqualTo(2 * LargerBatchTrial.BATCHES);
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).isEqualTo(EFFICIENT);
        assertThat(trial.limitInForce(now, EFFICIENT, MAX)).isEqualTo(EFFICIENT);
    }

    @Test
    void whenLargerBatchesRunMoreImagesASecondEverySizeIsAllowed() {
        // short of memory bandwidth: batch 1 at 2.5 times its 43 ms, batch 8 at 1.2 times its 441 ms
        long[] ms = new long[MAX + 1];
        ms[1] = 108;
        ms[MAX] = 529;
        runTrial(ms);
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).isEqualTo(MAX);
        assertThat(trial.limitInForce(now, EFFICIENT, MAX)).isEqualTo(MAX);
    }

    @Test
    void theVerdictHoldsForTenSecondsThenANewTrialAsksAgain() {
        long[] uniform = {0, 69, 0, 0, 0, 0, 0, 0, 706};
        runTrial(uniform);
        now += (LargerBatchTrial.VERDICT_SECONDS * 1000 - 1) * MS;
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).isEqualTo(EFFICIENT);
        assertThat(trial.trialRunning()).isFalse();
        now += 2 * MS;
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).as("a new trial").isEqualTo(MAX);
        assertThat(trial.trialRunning()).isTrue();
        long[] bandwidth = {0, 108, 0, 0, 0, 0, 0, 0, 529}; // the neighbour changed
        runTrial(bandwidth);
        assertThat(trial.limitInForce(now, EFFICIENT, MAX)).isEqualTo(MAX);
    }

    @Test
    void whenFewImagesWaitTheLargerLimitFormsSmallBatchesAndShowsNoGain() {
        // batches are counted under the limit that formed them: with one image waiting, both limits form batches of 1
        for (int i = 0; i < 2 * LargerBatchTrial.BATCHES; i++) {
            int limit = trial.nextLimit(now, EFFICIENT, MAX);
            trial.formed(limit, MAX);
            now += 69 * MS;
            trial.record(now, 1, 69 * MS, limit, EFFICIENT, MAX);
        }
        assertThat(trial.trialRunning()).isFalse();
        assertThat(trial.limitInForce(now, EFFICIENT, MAX)).isEqualTo(EFFICIENT);
    }

    @Test
    void theTurnPassesOnlyWhenABatchIsFormedSoTheLargerLimitIsNotSkippedWhileItWaitsForImages() {
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).isEqualTo(MAX);
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).as("asked again: no batch was formed").isEqualTo(MAX);
        trial.formed(MAX, MAX);
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).isEqualTo(EFFICIENT);
        trial.formed(EFFICIENT, MAX);
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).isEqualTo(MAX);
    }

    @Test
    void aTrialThatCannotFinishInFiveSecondsAllowsEverySizeAsBeforeTrials() {
        trial.nextLimit(now, EFFICIENT, MAX);
        trial.formed(MAX, MAX);
        now += 3_000 * MS;
        trial.record(now, 8, 3_000 * MS, MAX, EFFICIENT, MAX); // one very slow batch: too few to compare
        now += 2_001 * MS;
        assertThat(trial.nextLimit(now, EFFICIENT, MAX)).isEqualTo(MAX);
        assertThat(trial.trialRunning()).isFalse();
        assertThat(trial.limitInForce(now, EFFICIENT, MAX)).isEqualTo(MAX);
    }

    @Test
    void batchesFormedUnderAnotherLimitOrOutsideATrialAreNotCounted() {
        trial.record(now, 8, 100 * MS, MAX, EFFICIENT, MAX); // before any trial
        trial.nextLimit(now, EFFICIENT, MAX);
        for (int i = 0; i < 10; i++) {
            trial.record(now, 1, 10 * MS, 0, EFFICIENT, MAX); // an image retried alone after its batch failed
            trial.record(now, 4, 10 * MS, 4, EFFICIENT, MAX); // a limit neither side uses
        }
        assertThat(trial.trialRunning()).isTrue();
    }

    @Test
    void calmEndsATrialUnderWayWithoutAVerdict() {
        trial.nextLimit(now, EFFICIENT, MAX);
        trial.calm();
        assertThat(trial.trialRunning()).isFalse();
        assertThat(trial.limitInForce(now, EFFICIENT, MAX)).as("no verdict: every size while contended").isEqualTo(MAX);
    }
}
