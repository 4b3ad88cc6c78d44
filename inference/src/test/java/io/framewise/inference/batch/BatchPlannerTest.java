package io.framewise.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Nexus-style early drop: which waiting images run next, and which are shed. */
class BatchPlannerTest {
    private static final long MS = 1_000_000L;

    record Image(long deadlineNanos, boolean sheddable) implements BatchPlanner.Pending {
    }

    /** 20 ms per batch plus 10 ms per image. */
    private static long latency(int size) {
        return (20 + 10L * size) * MS;
    }

    @Test
    void underLightLoadEveryImageRunsInOneBatch() {
        List<Image> waiting = List.of(new Image(500 * MS, true), new Image(600 * MS, true));
        BatchPlanner.Plan plan = BatchPlanner.plan(waiting, 0, BatchPlannerTest::latency, 8);
        assertThat(plan.shed()).isEmpty();
        assertThat(plan.batch()).containsExactly(0, 1);
    }

    @Test
    void imagesThatWouldMissInTheBatchTheQueueFormsAreShedAndTheBatchStaysFull() {
        // 10 waiting, batch of 4 takes 60 ms: the two oldest would finish after their 50 ms deadlines
        List<Image> waiting = new ArrayList<>();
        waiting.add(new Image(50 * MS, true));
        waiting.add(new Image(55 * MS, true));
        for (int i = 0; i < 8; i++) {
            waiting.add(new Image(1_000 * MS, true));
        }
        BatchPlanner.Plan plan = BatchPlanner.plan(waiting, 0, BatchPlannerTest::latency, 4);
        assertThat(plan.shed()).containsExactly(0, 1);
        assertThat(plan.batch()).containsExactly(2, 3, 4, 5);
    }

    @Test
    void anImageThatMayNotBeShedRunsEvenWhenLate() {
        List<Image> waiting = List.of(new Image(1 * MS, false), new Image(1 * MS, true));
        BatchPlanner.Plan plan = BatchPlanner.plan(waiting, 0, BatchPlannerTest::latency, 4);
        assertThat(plan.batch()).containsExactly(0);
        assertThat(plan.shed()).containsExactly(1);
    }

    @Test
    void theBatchNeverExceedsTheMaximumAndTheRestKeepWaiting() {
        List<Image> waiting = Collections.nCopies(10, new Image(10_000 * MS, true));
        BatchPlanner.Plan plan = BatchPlanner.plan(waiting, 0, BatchPlannerTest::latency, 4);
        assertThat(plan.batch()).containsExactly(0, 1, 2, 3);
        assertThat(plan.shed()).isEmpty();
    }
}
