package io.framewise.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The estimate behind every admission: it cannot be poisoned by one cold sample, and it cannot freeze. */
class LatencyWindowTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    @Test
    void oneColdSampleDoesNotMoveTheEstimateAwayFromTheMeasuredPrior() {
        LatencyWindow w = new LatencyWindow(10 * S, 64, 3);
        w.prior(5 * MS);
        w.record(0, 1_240 * MS); // a cold decoder's first frame
        assertThat(w.quantile(0.5, 1 * MS)).isEqualTo(5 * MS);
        w.record(10 * MS, 5 * MS);
        w.record(20 * MS, 6 * MS);
        assertThat(w.quantile(0.5, 30 * MS)).as("outvoted by ordinary frames").isEqualTo(6 * MS);
    }

    @Test
    void anEstimateThatStopsReceivingSamplesReturnsToThePriorAfterOneHorizon() {
        LatencyWindow w = new LatencyWindow(10 * S, 64, 3);
        w.prior(5 * MS);
        for (int i = 0; i < 10; i++) {
            w.record(i * MS, 900 * MS); // a slow phase: the estimate is high and gates everything away
        }
        assertThat(w.quantile(0.5, 1 * S)).isEqualTo(900 * MS);
        assertThat(w.quantile(0.5, 11 * S)).as("no sample for a horizon: back to the measured default").isEqualTo(5 * MS);
        assertThat(w.recent(11 * S)).isZero();
    }

    @Test
    void quantilesAreNearestRankOverRecentSamplesOnly() {
        LatencyWindow w = new LatencyWindow(1 * S, 4, 1);
        for (int i = 1; i <= 6; i++) {
            w.record(i * MS, i * 10 * MS); // capacity 4: keeps 30..60
        }
        assertThat(w.quantile(0.9, 10 * MS)).isEqualTo(60 * MS);
        assertThat(w.quantile(0.5, 10 * MS)).isEqualTo(40 * MS);
        assertThat(w.quantile(0.5, 2 * S)).as("nothing recent and no prior").isZero();
    }
}
