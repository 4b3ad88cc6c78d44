package io.framewise.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class BatchLatencyEstimatorTest {
    private static final long MS = 1_000_000L;
    private long now = 1_000 * MS;
    private final BatchLatencyEstimator estimator = new BatchLatencyEstimator(8, () -> now);
    /** Milliseconds per batch size on this machine's CPU, one thread per instance: batch 1 the fastest per image. */
    private static final long[] CPU = {0, 43, 94, 142, 190, 240, 290, 345, 441};

    /** Warm-up's figures: 13 ms + 10.5 ms per image. */
    private void warm() {
        for (int n = 1; n <= 8; n++) {
            estimator.prior(n, model(n));
        }
    }

    private static long model(int n) {
        return (long) ((13 + 10.5 * n) * MS);
    }

    /** Batches of {@code size} back to back on two instances for {@code millis}, each {@code slowdown} times typical. */
    private void run(int size, double slowdown, long millis) {
        long end = now + millis * MS;
        while (now < end) {
            long took = (long) (model(size) * slowdown);
            now += took / 2;
            estimator.record(size, took);
        }
    }

    @Test
    void batchesGrowOnlyAsFarAsTheyPayTheSmallestSizeWithinTwoPercentOfTheBestThroughput() {
        warm(); // 13 + 10.5 n ms: batch 8 runs 8 / 97 images per ms, batch 7 7 / 86.5 (1.9% fewer), batch 6 4.3% fewer
        assertThat(estimator.efficientBatch()).isEqualTo(7);
        assertThat(estimator.fullBatchShareNanos()).isEqualTo(model(7) / 7);
        for (int n = 1; n <= 8; n++) {
            estimator.prior(n, CPU[n] * MS);
        }
        assertThat(estimator.efficientBatch()).isEqualTo(1);
        assertThat(estimator.fullBatchShareNanos()).isEqualTo(43 * MS);
        for (int n = 1; n <= 8; n++) {
            estimator.prior(n, 40 * n * MS); // no size better than another: the smallest, for its latency
        }
        assertThat(estimator.efficientBatch()).isEqualTo(1);
    }

    @Test
    void aPreferredSizeIsTheLimitWhateverWarmUpMeasuredOrTheMachineIsDoing() {
        for (int n = 1; n <= 8; n++) {
            estimator.prior(n, CPU[n] * MS);
        }
        assertThat(estimator.batchLimit()).as("measured").isEqualTo(1);
        estimator.prefer(5);
        assertThat(estimator.batchLimit()).isEqualTo(5);
        assertThat(estimator.fullBatchShareNanos()).isEqualTo(estimator.estimate(5) / 5);
        for (long end = now + 1_000 * MS; now < end; now += 100 * MS) {
            estimator.record(1, 3 * CPU[1] * MS); // contended: the measured limit would allow every size
        }
        assertThat(estimator.batchLimit()).isEqualTo(5);
        estimator.prefer(0);
        assertThat(estimator.batchLimit()).as("measured again, under contention").isEqualTo(8);
        assertThatThrownBy(() -> estimator.prefer(9)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9");
    }

    @Test
    void sizesAboveTheLargestMeasuredStayAllowedWhileThroughputStillGrowsUpToIt() {
        assertThat(estimator.efficientBatch()).as("nothing measured").isEqualTo(8);
        estimator.record(1, 40 * MS);
        assertThat(estimator.efficientBatch()).as("a live batch: the shape is warm-up's to measure").isEqualTo(8);
        estimator.prior(1, 40 * MS);
        assertThat(estimator.efficientBatch()).as("only batch 1 measured").isEqualTo(8);
        estimator.prior(2, 50 * MS);
        estimator.prior(3, 60 * MS);
        assertThat(estimator.efficientBatch()).as("still growing at 3").isEqualTo(8);
        estimator.prior(4, 200 * MS);
        assertThat(estimator.efficientBatch()).as("3 is better than 4: the peak is known").isEqualTo(3);
    }

    @Test
    void whileBatchesRunMuchSlowerThanWarmUpMeasuredEverySizeIsAllowedAndTheLimitComesBackAfter() {
        for (int n = 1; n <= 8; n++) {
            estimator.prior(n, CPU[n] * MS);
        }
        for (double slowdown : new double[] {1.0, 2.5, 1.0}) {
            long end = now + 3_000 * MS;
            while (now < end) { // batches of 1 on two instances, the only size that runs
                long took = (long) (CPU[1] * MS * slowdown);
                now += took / 2;
                estimator.record(1, took);
            }
            assertThat(estimator.estimate(1)).isCloseTo((long) (slowdown * CPU[1] * MS), Percentage.withPercentage(10));
            // the shape is not moved (a slowdown is read as the machine's); only its use is suspended while contended
            assertThat(estimator.efficientBatch()).as("the shape at %.1fx", slowdown).isEqualTo(1);
            assertThat(estimator.batchLimit()).as("at %.1fx", slowdown).isEqualTo(slowdown > 1.5 ? 8 : 1);
        }
    }

    @Test
    void beforeAnyBatchTheWarmUpsFiguresAreTheEstimates() {
        warm();
        assertThat(estimator.estimate(1)).isEqualTo(model(1));
        assertThat(estimator.estimate(8)).isEqualTo(model(8));
    }

    @Test
    void whenANeighbourHalvesCapacityEverySizeFollowsWithinASecondEvenSizesThatDidNotRun() {
        warm();
        run(8, 1.0, 5_000);
        long start = now;
        run(8, 2.0, 300); // only batches of 8 run while the neighbour is there
        assertThat((now - start) / 1e6).isLessThan(400);
        assertThat(estimator.estimate(8)).isCloseTo(2 * model(8), Percentage.withPercentage(5));
        assertThat(estimator.estimate(1)).as("a size that did not run").isCloseTo(2 * model(1), Percentage.withPercentage(5));
        assertThat(estimator.estimate(3)).isCloseTo(2 * model(3), Percentage.withPercentage(5));
    }

    @Test
    void whenCapacityReturnsTheEstimatesComeBackWithinASecond() {
        warm();
        run(4, 2.0, 5_000);
        assertThat(estimator.estimate(4)).isGreaterThan(model(4) * 3 / 2);
        run(4, 1.0, 1_100);
        assertThat(estimator.estimate(4)).isCloseTo(model(4), Percentage.withPercentage(10));
        assertThat(estimator.estimate(8)).isCloseTo(model(8), Percentage.withPercentage(10));
    }

    @Test
    void theShapeBetweenSizesLearnsSlowlySoOnePhaseDoesNotRewriteIt() {
        warm();
        // warm-up measured batch 8 at 97 ms, but it really takes 150 ms: over tens of seconds the shape learns it
        long truth = 150 * MS;
        for (int i = 0; i < 600; i++) {
            now += truth / 2;
            estimator.record(8, truth);
            now += model(1) / 2;
            estimator.record(1, model(1));
        }
        assertThat(estimator.estimate(8) / (double) estimator.estimate(1)).isCloseTo(truth / (double) model(1),
                Percentage.withPercentage(10));
    }

    @Test
    void oneStalledBatchDoesNotGateFramesAfterItAgesOut() {
        warm();
        run(2, 1.0, 3_000);
        now += 2_000 * MS;
        estimator.record(2, 2_000 * MS); // a batch held up by a two-second pause
        run(2, 1.0, 1_100);
        assertThat(estimator.estimate(2)).isCloseTo(model(2), Percentage.withPercentage(10));
    }

    @Test
    void slowBatchesAtAColdStartStopCountingOnceAFewFastOnesFollowEvenWhenOnlyProbesRun() {
        warm();
        now += 5_000 * MS; // joining the group after warm-up
        for (int i = 0; i < 3; i++) {
            estimator.record(1, 8 * model(1)); // the first batches after joining, on a machine busy compiling
        }
        assertThat(estimator.estimate(1)).isCloseTo(8 * model(1), Percentage.withPercentage(5));
        // the estimates now skip every frame but a probe a second, and the probes run at the model's speed
        long worst = 0;
        for (int probe = 0; probe < 3; probe++) {
            now += 1_050 * MS; // a probe is due a second after the last answer, and goes with the next frame
            estimator.record(1, model(1));
            worst = Math.max(worst, estimator.estimate(1));
        }
        assertThat(worst).as("never above what any batch took").isLessThanOrEqualTo(8 * model(1) * 21 / 20);
        assertThat(estimator.estimate(1)).as("after three probes").isCloseTo(model(1), Percentage.withPercentage(5));
        assertThat(estimator.estimate(8)).isCloseTo(model(8), Percentage.withPercentage(5));
    }

    @Test
    void oneColdBatchAfterWarmUpsLastBatchesDoesNotCloseTheDoorTwoInARowDo() {
        warm();
        run(8, 1.0, 100); // warm-up's last rounds go through the engine too
        now += 3_000 * MS; // joining the group
        estimator.record(1, 8 * model(1));
        assertThat(estimator.estimate(1)).isEqualTo(model(1));
        now += 100 * MS;
        estimator.record(1, 8 * model(1));
        assertThat(estimator.estimate(1)).isCloseTo(8 * model(1), Percentage.withPercentage(5));
    }

    @Test
    void oneOrTwoSlowBatchesAloneDoNotCloseTheDoorTheyAreTooFewToSpeakForNow() {
        warm();
        now += 5_000 * MS;
        estimator.record(1, 8 * model(1));
        estimator.record(1, 8 * model(1));
        now += 1_000 * MS;
        assertThat(estimator.estimate(1)).isEqualTo(model(1));
    }

    @Test
    void withoutWarmUpTheFirstBatchesAreTheEstimatesAndOtherSizesScaleFromThem() {
        assertThat(estimator.estimate(4)).isZero();
        estimator.record(2, 40 * MS);
        assertThat(estimator.estimate(2)).isEqualTo(40 * MS);
        assertThat(estimator.estimate(4)).isEqualTo(80 * MS);
        assertThat(estimator.estimate(1)).isEqualTo(20 * MS);
    }
}
