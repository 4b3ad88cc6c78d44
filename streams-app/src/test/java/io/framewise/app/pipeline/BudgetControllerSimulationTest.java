package io.framewise.app.pipeline;

import static io.framewise.app.pipeline.ControllerSimulation.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToLongFunction;
import java.util.function.LongToDoubleFunction;

import io.framewise.app.pipeline.ControllerSimulation.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stability of the budget controller under load, with a fake model and a virtual clock ({@link ControllerSimulation}):
 * goodput must not collapse past capacity, must not oscillate, and classified frames must stay within budget.
 */
class BudgetControllerSimulationTest {
    private static final int THREADS = 16;
    private static final int MAX_BATCH = 8;
    /** An L1-like model on this machine's class of CPU: 13 ms + 10.5 ms per image; batch 8 takes 97 ms. */
    private static final IntToLongFunction MODEL = n -> (long) ((13 + 10.5 * n) * MS);
    private static final double CAPACITY = MAX_BATCH / (MODEL.applyAsLong(MAX_BATCH) / 1e9);
    private static final double SECONDS = 40;
    private static final double STEADY_FROM = 5;

    /** Steady-state figures of one load point. */
    private record Point(double offered, double goodput, double p99Ms, double[] goodputPerSecond, double meanBatch) {
    }

    private static Point run(double multiple, long budgetMs, int instances) {
        ControllerSimulation sim = new ControllerSimulation(THREADS, instances, MAX_BATCH, budgetMs, 5, MODEL, 5 * MS, 0.15).warm();
        double fps = multiple * CAPACITY * instances;
        sim.offer(fps, 0, SECONDS);
        sim.runUntil((long) ((SECONDS + 10) * 1e9));
        assertThat(sim.outcomes).as("every frame has exactly one outcome").hasSize((int) (fps * SECONDS));
        List<Outcome> steady = sim.outcomes.stream().filter(o -> o.capturedNanos() >= STEADY_FROM * 1e9).toList();
        double window = SECONDS - STEADY_FROM;
        double[] latencies = steady.stream().filter(Outcome::classified)
                .mapToDouble(o -> (o.doneNanos() - o.capturedNanos()) / 1e6).sorted().toArray();
        double[] perSecond = new double[(int) window];
        steady.stream().filter(Outcome::inBudget).forEach(o ->
                perSecond[(int) Math.min(window - 1, o.capturedNanos() / 1e9 - STEADY_FROM)]++);
        double meanBatch = steady.stream().filter(Outcome::classified).mapToInt(Outcome::batchSize).average().orElse(0);
        return new Point(fps, steady.stream().filter(Outcome::inBudget).count() / window,
                latencies.length == 0 ? 0 : latencies[(int) Math.ceil(0.99 * latencies.length) - 1], perSecond, meanBatch);
    }

    // one instance, and two side by side as production runs on two cores (each as fast as the one)
    @ParameterizedTest(name = "budget {0} ms, {1} instance(s)")
    @CsvSource({"200, 1", "1000, 1", "200, 2", "1000, 2"})
    void goodputHoldsItsPeakPastCapacityWithoutOscillatingAndClassifiedFramesStayInBudget(long budgetMs, int instances) {
        double capacity = CAPACITY * instances;
        double[] multiples = {0.5, 1, 1.5, 2, 3};
        Point[] points = Arrays.stream(multiples).mapToObj(m -> run(m, budgetMs, instances)).toArray(Point[]::new);
        double peak = Arrays.stream(points).mapToDouble(Point::goodput).max().orElseThrow();
        for (int i = 0; i < points.length; i++) {
            System.out.printf(Locale.ROOT, "%d ms, %d instance(s), %.1fx: goodput %.1f of capacity %.1f, p99 %.0f ms, batch %.1f%n",
                    budgetMs, instances, multiples[i], points[i].goodput(), capacity, points[i].p99Ms(), points[i].meanBatch());
        }
        assertThat(peak).as("peak goodput against capacity %.1f", capacity).isGreaterThanOrEqualTo(0.85 * capacity);
        for (int i = 0; i < points.length; i++) {
            Point p = points[i];
            assertThat(p.p99Ms()).as("p99 of classified frames at %.1fx", multiples[i]).isLessThanOrEqualTo(budgetMs);
            if (multiples[i] >= 2) {
                assertThat(p.goodput()).as("goodput at %.1fx against the peak %.1f", multiples[i], peak)
                        .isGreaterThanOrEqualTo(0.95 * peak);
                // no phases of skipping everything: every second of the steady state classifies most of its share
                double worst = Arrays.stream(p.goodputPerSecond()).min().orElseThrow();
                assertThat(worst).as("worst second's goodput at %.1fx (mean %.1f)", multiples[i], p.goodput())
                        .isGreaterThanOrEqualTo(0.7 * p.goodput());
                // With two instances a lane frees just after the other took what was waiting, so batches average 5
                // of 8 under overload: each frame then costs 13.1 ms of a lane instead of 12.1 at 8, and goodput is
                // 0.90 of capacity instead of 0.96 (the peak's 0.85 is asserted above).
                assertThat(p.meanBatch()).as("batches stay full under overload")
                        .isGreaterThan((instances == 1 ? 0.8 : 0.6) * MAX_BATCH);
                // A backlog is served frame by frame while it can all make its deadlines, and superseded frames are
                // skipped only when it cannot: under overload classified frames use the budget the user gave (p99
                // within it, checked above) rather than be skipped early for freshness.
            }
        }
        assertThat(points[0].goodput()).as("at half load everything offered is classified in budget")
                .isGreaterThanOrEqualTo(0.99 * points[0].offered());
    }

    @ParameterizedTest(name = "budget {0} ms")
    @ValueSource(longs = {200, 1000})
    void whenCapacityHalvesMidRunGoodputFollowsItAndRecoversWhenItReturns(long budgetMs) {
        int instances = 1;
        // a neighbour takes half the machine from 20 s to 40 s: every batch takes twice as long as warm-up measured
        double fps = 0.75 * CAPACITY;
        ControllerSimulation sim = halving(budgetMs, instances, fps, t -> t >= 20_000 * MS && t < 40_000 * MS ? 2.0 : 1.0);
        // the reference: the same load on a model that was always that slow (warm-up measured it fast all the same)
        ControllerSimulation slow = halving(budgetMs, instances, fps, t -> 2.0);
        double before = goodput(sim, 10, 20);
        double halved = goodput(sim, 21, 40);
        double steadySlow = goodput(slow, 21, 40);
        double after = goodput(sim, 42, 60);
        System.out.printf(Locale.ROOT, "capacity halved (%d ms): goodput %.1f before, %.1f halved (%.1f on a model always "
                + "that slow), %.1f after%n", budgetMs, before, halved, steadySlow, after);
        assertThat(before).as("before").isGreaterThanOrEqualTo(0.99 * fps);
        assertThat(halved).as("while halved, within a second of the change, against a model always that slow")
                .isGreaterThanOrEqualTo(0.9 * steadySlow);
        // and against the capacity left: half the model's batch-8 throughput. Within 200 ms a twice-slower model
        // can only run batches of about 3, so less of it is usable; an estimate that did not follow the model
        // (warm-up figures only) classified 9-13 frames/s here.
        double usable = budgetMs >= 1000 ? 0.9 : 0.6;
        assertThat(halved).as("while halved, against the capacity left %.1f", CAPACITY / 2)
                .isGreaterThanOrEqualTo(usable * CAPACITY / 2);
        // Per second, goodput swings at 200 ms (7 to 37 frames/s) on the halved model as much as on the always-slow
        // one: the controller's oscillation under overload with a tight budget, not a lag in following capacity.
        assertThat(after).as("within two seconds of capacity coming back").isGreaterThanOrEqualTo(0.99 * fps);
    }

    @ParameterizedTest(name = "budget {0} ms, {1} instance(s)")
    @CsvSource({"200, 1", "1000, 1", "200, 2", "1000, 2"})
    void aNeighbourTakingHalfTheMachineTwoSecondsInEveryFourIsFollowedWithoutCollapse(long budgetMs, int instances) {
        // the sweep's --neighbour-cores 1: the model runs twice as slow for 2 s of every 4
        LongToDoubleFunction onOff = t -> (t / (2_000 * MS)) % 2 == 1 ? 2.0 : 1.0;
        double[] multiples = {0.5, 2, 3};
        double[] got = new double[multiples.length];
        double[] reference = new double[multiples.length];
        double[] late = new double[multiples.length];
        for (int i = 0; i < multiples.length; i++) {
            double fps = multiples[i] * CAPACITY * instances;
            ControllerSimulation sim = halving(budgetMs, instances, fps, onOff);
            // the reference: each phase as well as a model that was always that fast, or always that slow, does
            reference[i] = (goodput(halving(budgetMs, instances, fps, t -> 1.0), 5, 57)
                    + goodput(halving(budgetMs, instances, fps, t -> 2.0), 5, 57)) / 2;
            got[i] = goodput(sim, 5, 57);
            List<Outcome> classified = sim.outcomes.stream().filter(o -> o.capturedNanos() >= 5e9 && o.classified()).toList();
            late[i] = classified.stream().filter(o -> !o.inBudget()).count() / (double) Math.max(1, classified.size());
            System.out.printf(Locale.ROOT, "neighbour 2 s of 4 (%d ms, %d instance(s), %.1fx): goodput %.1f against %.1f for the phases apart, "
                    + "%.2f%% of classified frames late%n", budgetMs, instances, multiples[i], got[i], reference[i], 100 * late[i]);
        }
        // Frames already queued or running when the neighbour starts take twice as long as when they were admitted,
        // and no estimate can know that in advance: under overload that is a budget's worth of queue every 4 s (more
        // of it, relatively, at 200 ms, where batches of 8 fill half the budget). Estimates that learnt one batch
        // size at a time (16 batches over 3 s) let 15% (1000 ms) and 23% (200 ms) of the classified frames miss here.
        double allowedLate = budgetMs >= 1000 ? 0.06 : 0.08;
        for (int i = 0; i < multiples.length; i++) {
            assertThat(got[i]).as("goodput at %.1fx beside the neighbour, against its phases apart %.1f", multiples[i], reference[i])
                    .isGreaterThanOrEqualTo(0.8 * reference[i]);
            assertThat(late[i]).as("classified frames late at %.1fx", multiples[i])
                    .isLessThanOrEqualTo(multiples[i] < 1 ? 0.01 : allowedLate);
        }
    }

    private static ControllerSimulation halving(long budgetMs, int instances, double fps, LongToDoubleFunction slowdown) {
        ControllerSimulation sim = new ControllerSimulation(THREADS, instances, MAX_BATCH, budgetMs, 5, MODEL, 5 * MS, 0.15).warm();
        sim.slowdown = slowdown;
        sim.offer(fps, 0, 60);
        sim.runUntil(70_000 * MS);
        return sim;
    }

    /** Frames captured between {@code from} and {@code to} seconds classified within budget, per second. */
    private static double goodput(ControllerSimulation sim, double from, double to) {
        return sim.outcomes.stream().filter(o -> o.capturedNanos() >= from * 1e9 && o.capturedNanos() < to * 1e9)
                .filter(Outcome::inBudget).count() / (to - from);
    }

    @ParameterizedTest(name = "budget {0} ms, {1} instance(s)")
    @CsvSource({"200, 1", "1000, 1", "200, 2", "1000, 2"})
    void aColdStartsSlowFirstBatchesDoNotKeepFramesOutOnceTheModelRunsAtSpeed(long budgetMs, int instances) {
        // Measured on joining (200 ms, 16 cameras at half load, 2 cores): the first batches after RUNNING took 5-8
        // times their warm-up figure (the JIT compiling the Kafka and Streams code they run beside), then the model
        // ran at speed. Here the first 400 ms run 8 times slower.
        double fps = 0.5 * CAPACITY * instances;
        ControllerSimulation sim = halving(budgetMs, instances, fps, t -> t < 400 * MS ? 8.0 : 1.0);
        long first30 = sim.outcomes.stream().filter(o -> o.capturedNanos() < 30_000 * MS).count();
        long missed = sim.outcomes.stream().filter(o -> o.capturedNanos() < 30_000 * MS && !o.inBudget()).count();
        long missedAfter2s = sim.outcomes.stream().filter(o -> o.capturedNanos() >= 2_000 * MS
                && o.capturedNanos() < 30_000 * MS && !o.inBudget()).count();
        System.out.printf(Locale.ROOT, "cold start (%d ms, %d instance(s)): %d of %d frames of the first 30 s not classified in "
                + "budget, %d of them after the first 2 s%n", budgetMs, instances, missed, first30, missedAfter2s);
        // The frames captured while the model is slow, and those queued behind them, are lost (up to 1.2 s of
        // frames); once the model runs at speed, nothing more. An estimate that kept the slow batches for 10 s, and
        // probes a second apart, lost 10% of these 30 s at 200 ms on two instances, a third of it after the first 2 s.
        assertThat(missedAfter2s).as("frames not classified in budget after the first 2 s").isZero();
        assertThat(missed).as("frames not classified in budget in the first 30 s").isLessThanOrEqualTo((long) (1.5 * fps));
    }

    @Test
    void aColdFirstSampleWithoutPriorsCannotLockAdmissionsOut() {
        // no warm-up priors at all, and the first frame takes 1.24 s to prepare
        ControllerSimulation sim = new ControllerSimulation(THREADS, MAX_BATCH, 1000, 5, MODEL, 5 * MS, 0.15);
        sim.firstPrepareNanos = 1240 * MS;
        sim.offer(0.5 * CAPACITY, 0, 20);
        sim.runUntil(30_000 * MS);
        Outcome firstAfter = sim.outcomes.stream().filter(o -> o.capturedNanos() > 1240 * MS && o.classified())
                .findFirst().orElseThrow(() -> new AssertionError("locked into skipping"));
        assertThat(firstAfter.capturedNanos() / 1e6).as("first classified frame captured after the slow one (ms)")
                .isLessThan(1240 + 2000);
        long late = sim.outcomes.stream().filter(o -> o.capturedNanos() > 5_000 * MS && !o.inBudget()).count();
        assertThat(late).as("frames not classified in budget after 5 s").isZero();
    }
}
