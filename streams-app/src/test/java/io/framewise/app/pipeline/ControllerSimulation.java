package io.framewise.app.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.IntToLongFunction;
import java.util.function.LongToDoubleFunction;

import io.framewise.inference.batch.BatchLatencyEstimator;
import io.framewise.inference.batch.BatchPlanner;
import io.framewise.inference.batch.CompletionForecast;
import io.framewise.inference.batch.LatencyWindow;
import io.framewise.inference.serving.Admission;
import io.framewise.inference.serving.BudgetPolicy;
import io.framewise.inference.serving.Outlook;
import io.framewise.inference.serving.ServedModel;

/**
 * The budget controller in virtual time: cameras publish at a fixed total rate into one partition each, a stream
 * thread per partition takes its frames in order, and a fake model runs batches whose latency is a function of their
 * size (with seeded noise). Admission, the latency windows, the completion forecast and the batch planner are the
 * production classes; only the threads, the model and the clock are simulated, so a run of minutes takes
 * milliseconds and is the same on every machine.
 */
final class ControllerSimulation {
    static final long MS = 1_000_000L;

    /** What became of one frame. */
    record Outcome(long capturedNanos, long doneNanos, boolean classified, boolean inBudget, int batchSize) {
    }

    private record Event(long at, int kind, int index, long seq) {
    }

    private static final int ARRIVAL = 0;
    private static final int THREAD_NEXT = 1;
    private static final int PREPARED = 2;
    private static final int BATCH_DONE = 3;
    private static final int ENGINE_KICK = 4;

    private final class Waiting implements BatchPlanner.Pending {
        final long captured;
        final long deadline;
        final boolean sheddable;
        final long enqueued;
        final int thread;

        Waiting(long captured, long deadline, boolean sheddable, long enqueued, int thread) {
            this.captured = captured;
            this.deadline = deadline;
            this.sheddable = sheddable;
            this.enqueued = enqueued;
            this.thread = thread;
        }

        @Override
        public long deadlineNanos() {
            return deadline;
        }

        @Override
        public boolean sheddable() {
            return sheddable;
        }
    }

    // configuration
    private final int threads;
    private final int maxBatch;
    private final long budgetNanos;
    private final long maxWaitNanos;
    private final IntToLongFunction batchLatency;
    private final long prepareNanos;
    private final double noise;
    long firstPrepareNanos = -1;

    // state
    private long now;
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
            : a.seq != b.seq ? Long.compare(a.seq, b.seq) : 0);
    private long seq;
    private final SplittableRandom random = new SplittableRandom(7);
    private final List<ArrayDeque<Long>> partitions = new ArrayList<>();
    private final boolean[] busy;
    private final long[] preparingCapture;
    private final List<Waiting> waiting = new ArrayList<>();
    /** Per instance (lane), the batch it runs (empty: free) and since when. */
    private final List<List<Waiting>> running = new ArrayList<>();
    private final long[] runningSince;
    private double recentBatchSize = 1;
    private boolean kickScheduled;
    private int preparing;
    private long lastFeedback;
    private boolean probeOut;
    final BatchLatencyEstimator estimator;
    final LatencyWindow prepare = new LatencyWindow(10_000 * MS, 64, 3);
    final List<Outcome> outcomes = new ArrayList<>();
    private final CameraCadence cadence = new CameraCadence();
    boolean freshness = true;
    /** How much slower than its warm-up the model runs at a moment (a neighbour taking a core: 2); 1 by default. */
    LongToDoubleFunction slowdown = t -> 1.0;

    ControllerSimulation(int threads, int maxBatch, long budgetMs, long maxWaitMs, IntToLongFunction batchLatency,
                         long prepareNanos, double noise) {
        this(threads, 1, maxBatch, budgetMs, maxWaitMs, batchLatency, prepareNanos, noise);
    }

    /**
     * @param instances model instances running batches side by side (production's framewise.inference.instances),
     *                  each taking {@code batchLatency} for a batch
     */
    ControllerSimulation(int threads, int instances, int maxBatch, long budgetMs, long maxWaitMs, IntToLongFunction batchLatency,
                         long prepareNanos, double noise) {
        this.threads = threads;
        this.runningSince = new long[instances];
        for (int i = 0; i < instances; i++) {
            running.add(List.of());
        }
        this.maxBatch = maxBatch;
        this.budgetNanos = budgetMs * MS;
        this.maxWaitNanos = maxWaitMs * MS;
        this.batchLatency = batchLatency;
        this.prepareNanos = prepareNanos;
        this.noise = noise;
        this.busy = new boolean[threads];
        this.preparingCapture = new long[threads];
        for (int i = 0; i < threads; i++) {
            partitions.add(new ArrayDeque<>());
        }
        this.estimator = new BatchLatencyEstimator(maxBatch, () -> now);
    }

    /** The priors a warm-up would measure: the model's latencies and the preparation time. */
    ControllerSimulation warm() {
        for (int n = 1; n <= maxBatch; n++) {
            estimator.prior(n, batchLatency.applyAsLong(n));
        }
        prepare.prior(prepareNanos);
        return this;
    }

    /** Offers {@code fps} frames per second, spread evenly over the partitions, from {@code fromNanos} for {@code seconds}. */
    void offer(double fps, long fromNanos, double seconds) {
        long count = (long) (fps * seconds);
        for (long k = 0; k < count; k++) {
            schedule(fromNanos + (long) (k * 1e9 / fps), ARRIVAL, (int) (k % threads));
        }
    }

    void runUntil(long endNanos) {
        while (!events.isEmpty() && events.peek().at <= endNanos) {
            Event e = events.poll();
            now = e.at;
            switch (e.kind) {
                case ARRIVAL -> {
                    partitions.get(e.index).add(now);
                    if (!busy[e.index]) {
                        busy[e.index] = true;
                        schedule(now, THREAD_NEXT, e.index);
                    }
                }
                case THREAD_NEXT -> next(e.index);
                case PREPARED -> prepared(e.index);
                case BATCH_DONE -> batchDone(e.index);
                case ENGINE_KICK -> {
                    kickScheduled = false;
                    kick();
                }
                default -> throw new IllegalStateException();
            }
        }
        now = endNanos;
    }

    private void next(int thread) {
        Long captured = partitions.get(thread).poll();
        if (captured == null) {
            busy[thread] = false;
            return;
        }
        long deadline = captured + budgetNanos;
        long interval = cadence.observe(String.valueOf(thread), captured);
        int newer = freshness ? CameraCadence.newerWaiting(now - captured, interval) : 0;
        int[] sizes = running.stream().mapToInt(List::size).toArray();
        long completion = CompletionForecast.completionNanos(now + prepare.quantile(0.5, now), waiting.size() + preparing,
                sizes, runningSince.clone(), recentBatchSize, estimator);
        boolean probeDue = now - lastFeedback > ServedModel.PROBE_AFTER_NANOS && !probeOut;
        long perFrame = Outlook.perFrameNanos(prepare.quantile(0.5, now), estimator.fullBatchShareNanos(), running.size());
        Admission.Decision v = Admission.decide(now, new Admission.Request(deadline, false, newer, interval, BudgetPolicy.SKIP),
                new Outlook(completion, probeDue, 0, perFrame), null);
        if (!v.admitted()) {
            outcomes.add(new Outcome(captured, now, false, false, 0));
            schedule(now + MS / 5, THREAD_NEXT, thread); // a skip costs a little: deserialise, produce the event
            return;
        }
        if (v.probe()) {
            probeOut = true;
        }
        preparing++;
        preparingCapture[thread] = v.probe() ? -captured - 1 : captured;
        long took = firstPrepareNanos >= 0 ? firstPrepareNanos : prepareNanos;
        firstPrepareNanos = -1;
        schedule(now + took, PREPARED, thread);
        prepare.record(now + took, took);
    }

    private void prepared(int thread) {
        preparing--;
        lastFeedback = now;
        long c = preparingCapture[thread];
        boolean probe = c < 0;
        long captured = probe ? -c - 1 : c;
        if (probe) {
            probeOut = false;
        }
        waiting.add(new Waiting(captured, captured + budgetNanos, !probe, now, thread));
        kick();
    }

    private void kick() {
        int lane = running.indexOf(List.of());
        if (lane < 0 || waiting.isEmpty()) {
            return;
        }
        int limit = estimator.batchLimit(); // as the engine: no larger than pays
        BatchPlanner.Plan plan = BatchPlanner.plan(waiting, now, estimator::estimate, limit);
        List<Waiting> batch = new ArrayList<>();
        plan.batch().forEach(i -> batch.add(waiting.get(i)));
        if (!batch.isEmpty() && batch.size() < limit) {
            long oldest = batch.stream().mapToLong(w -> w.enqueued).min().orElseThrow();
            long earliest = batch.stream().mapToLong(w -> w.deadline).min().orElseThrow();
            long until = Math.min(oldest + maxWaitNanos, earliest - estimator.estimate(batch.size() + 1));
            if (until > now) {
                if (!kickScheduled) {
                    kickScheduled = true;
                    schedule(until, ENGINE_KICK, 0);
                }
                return;
            }
        }
        List<Waiting> taken = new ArrayList<>();
        for (int i : plan.shed()) {
            Waiting w = waiting.get(i);
            taken.add(w);
            outcomes.add(new Outcome(w.captured, now, false, false, 0));
            schedule(now, THREAD_NEXT, w.thread);
        }
        taken.addAll(batch);
        waiting.removeAll(taken);
        if (batch.isEmpty()) {
            return;
        }
        running.set(lane, batch);
        runningSince[lane] = now;
        long latency = (long) (batchLatency.applyAsLong(batch.size()) * slowdown.applyAsDouble(now)
                * (1 + noise * (random.nextDouble() - 0.3)));
        schedule(now + latency, BATCH_DONE, lane);
        kick(); // another instance may be free for what is left
    }

    private void batchDone(int lane) {
        List<Waiting> done = running.get(lane);
        int n = done.size();
        estimator.record(n, now - runningSince[lane]);
        recentBatchSize += 0.2 * (n - recentBatchSize);
        lastFeedback = now;
        for (Waiting w : done) {
            outcomes.add(new Outcome(w.captured, now, true, now <= w.deadline, n));
            schedule(now, THREAD_NEXT, w.thread);
        }
        running.set(lane, List.of());
        kick();
    }

    private void schedule(long at, int kind, int index) {
        events.add(new Event(at, kind, index, seq++));
    }
}
