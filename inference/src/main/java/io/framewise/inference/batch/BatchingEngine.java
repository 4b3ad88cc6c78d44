package io.framewise.inference.batch;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forms inference batches dynamically from images submitted by many threads. One dispatcher thread owns the images
 * waiting; whenever the model is free it asks the {@link BatchPlanner} for the next batch: images that would finish
 * past their deadline even if started now are shed (their futures complete with {@link Result#shed()} true, without
 * inference), and the batch is the oldest of the rest, up to the largest size that pays
 * ({@link BatchLatencyEstimator#batchLimit()}: at most {@code maxBatch}, and 1 where batching buys no throughput). A
 * batch smaller than that waits for more images at most {@code maxWait} after its oldest image arrived, and never past
 * the moment its most urgent image would miss its deadline. Each submitter gets its own row back through its future;
 * a failing batch is retried image by image, so that only the image that fails fails.
 *
 * <p>With several instances (Triton's instance groups), up to that many batches run side by side, each on a worker
 * thread of its own: with one TensorFlow intra-op thread per run, a batch does not wait at every operation for a thread
 * that a neighbour's process (or this one's decoding) has preempted, and a preempted thread slows its own batch only.
 * One engine per model per process.
 */
public final class BatchingEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingEngine.class);

    /**
     * One image's answer and what it cost.
     *
     * @param output the image's output row; null when the image was shed
     */
    public record Result(float[] output, int batchSize, long queueNanos, long inferenceNanos) {
        /** True when the image was not run because it could not make its deadline. */
        public boolean shed() {
            return output == null;
        }
    }

    private record Request(FloatBuffer image, long deadlineNanos, boolean sheddable, long enqueuedNanos,
                           CompletableFuture<Result> future) implements BatchPlanner.Pending {
    }

    private final BatchRunner runner;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final LongSupplier nanoTime;
    private final BatchLatencyEstimator estimator;
    private final LinkedBlockingQueue<Request> incoming = new LinkedBlockingQueue<>();
    /** Images submitted and not yet started or shed (incoming plus those the dispatcher holds). */
    private final AtomicInteger waiting = new AtomicInteger();
    private final Thread dispatcher;
    private final ExecutorService workers;
    /** Instances free to take a batch: the dispatcher forms one only when an instance can run it. */
    private final BlockingQueue<Integer> freeLanes;
    private final Object submitLock = new Object();
    private volatile boolean closing;
    /** Per instance: when its running batch started, and its size (0: none runs); the size is written last. */
    private final AtomicLongArray runningSince;
    private final AtomicIntegerArray runningSize;
    /** Moving average of the sizes of recent batches: the size a newly queued image's batch will likely have. */
    private volatile double recentBatchSize = 1;

    public BatchingEngine(String name, BatchRunner runner, int maxBatch, long maxWaitNanos, LongSupplier nanoTime) {
        this(name, runner, maxBatch, maxWaitNanos, 1, nanoTime);
    }

    /** With {@code instances} batches running side by side at most. */
    public BatchingEngine(String name, BatchRunner runner, int maxBatch, long maxWaitNanos, int instances,
                          LongSupplier nanoTime) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1");
        }
        this.runningSince = new AtomicLongArray(instances);
        this.runningSize = new AtomicIntegerArray(instances);
        this.freeLanes = new ArrayBlockingQueue<>(instances);
        for (int i = 0; i < instances; i++) {
            freeLanes.add(i);
        }
        AtomicInteger workerIds = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(instances, r -> {
            Thread t = new Thread(r, "framewise-model-" + name + "-" + workerIds.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.runner = runner;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitNanos;
        this.nanoTime = nanoTime;
        this.estimator = new BatchLatencyEstimator(maxBatch, nanoTime);
        this.dispatcher = new Thread(this::dispatch, "framewise-batcher-" + name);
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    public BatchLatencyEstimator estimator() {
        return estimator;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** How many batches may run side by side. */
    public int instances() {
        return runningSize.length();
    }

    /** Images submitted and not yet started in a batch or shed. */
    public int queued() {
        return waiting.get();
    }

    /** Submits an image that must run whatever its deadline (best effort). */
    public CompletableFuture<Result> submit(FloatBuffer image, long deadlineNanos) {
        return submit(image, deadlineNanos, false);
    }

    /**
     * Queues one image ({@code H*W*3} floats from position 0; the caller keeps the buffer unchanged until the future
     * completes). The future completes with the image's output row, with a shed result when {@code sheddable} and the
     * deadline cannot be met, or exceptionally with the image's failure or the engine's closing.
     */
    public CompletableFuture<Result> submit(FloatBuffer image, long deadlineNanos, boolean sheddable) {
        CompletableFuture<Result> future = new CompletableFuture<>();
        // Checked and enqueued under one lock with close(): an image is either refused at once or is run (or failed)
        // by the dispatcher before it exits; none can slip in after the last drain and wait forever.
        synchronized (submitLock) {
            if (closing) {
                future.completeExceptionally(new IllegalStateException("inference engine is closed"));
                return future;
            }
            waiting.incrementAndGet();
            incoming.add(new Request(image, deadlineNanos, sheddable, nanoTime.getAsLong(), future));
        }
        return future;
    }

    /**
     * Queues images together, as {@link #submit(FloatBuffer, long, boolean)} each: the dispatcher sees all of them or
     * none, so that they can form one batch (warm-up measures batch sizes with it).
     */
    public List<CompletableFuture<Result>> submitAll(List<FloatBuffer> images, long deadlineNanos, boolean sheddable) {
        synchronized (submitLock) {
            List<CompletableFuture<Result>> futures = new ArrayList<>(images.size());
            for (FloatBuffer image : images) {
                futures.add(submit(image, deadlineNanos, sheddable));
            }
            return futures;
        }
    }

    /** When an image submitted at {@code atNanos} would have its answer ({@link CompletionForecast}). */
    public long predictCompletionNanos(long atNanos) {
        return predictCompletionNanos(atNanos, 0);
    }

    /** As above, counting {@code aheadNotYetQueued} more images that will be queued before this one. */
    public long predictCompletionNanos(long atNanos, int aheadNotYetQueued) {
        // runningSince is written before runningSize, and read after it: a size > 0 comes with its start time
        int lanes = runningSize.length();
        int[] sizes = new int[lanes];
        long[] since = new long[lanes];
        for (int i = 0; i < lanes; i++) {
            sizes[i] = runningSize.get(i);
            since[i] = runningSince.get(i);
        }
        return CompletionForecast.completionNanos(atNanos, waiting.get() + Math.max(0, aheadNotYetQueued), sizes, since,
                recentBatchSize, estimator);
    }

    /** How long the oldest batch running now has been running at {@code nowNanos} (0 when none runs). */
    public long runningForNanos(long nowNanos) {
        long longest = 0;
        for (int i = 0; i < runningSize.length(); i++) {
            if (runningSize.get(i) > 0) {
                longest = Math.max(longest, nowNanos - runningSince.get(i));
            }
        }
        return longest;
    }

    private void dispatch() {
        List<Request> held = new ArrayList<>();
        while (true) {
            if (held.isEmpty()) {
                Request first;
                try {
                    first = incoming.poll(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    first = null;
                    closing = true;
                }
                if (first == null) {
                    if (closing && incoming.isEmpty()) {
                        return;
                    }
                    continue;
                }
                held.add(first);
            }
            Integer lane;
            try {
                lane = freeLanes.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                lane = null;
                closing = true;
            }
            if (lane == null) {
                continue; // every instance is busy: plan once one is free, with whatever has arrived by then
            }
            synchronized (submitLock) { // images submitted together (submitAll) are drained together
                incoming.drainTo(held);
            }
            long now = nanoTime.getAsLong();
            // no larger than pays: past the efficient size a batch adds latency, not throughput
            int limit = estimator.batchLimit();
            BatchPlanner.Plan plan = BatchPlanner.plan(held, now, estimator::estimate, limit);
            List<Request> batch = new ArrayList<>(plan.batch().size());
            plan.batch().forEach(i -> batch.add(held.get(i)));
            if (!batch.isEmpty() && batch.size() < limit && !closing && waitForMore(batch, held, now)) {
                freeLanes.add(lane);
                continue; // another image arrived in time: plan again with it
            }
            Set<Integer> taken = new HashSet<>(plan.shed());
            taken.addAll(plan.batch());
            for (int i : plan.shed()) {
                Request r = held.get(i);
                waiting.decrementAndGet();
                r.future().complete(new Result(null, 0, now - r.enqueuedNanos(), 0));
            }
            List<Request> rest = new ArrayList<>(held.size() - taken.size());
            for (int i = 0; i < held.size(); i++) {
                if (!taken.contains(i)) {
                    rest.add(held.get(i));
                }
            }
            held.clear();
            held.addAll(rest);
            if (batch.isEmpty()) {
                freeLanes.add(lane);
            } else {
                waiting.addAndGet(-batch.size());
                int on = lane;
                // start marks the lane busy before the dispatcher plans again: the forecast never sees it free
                runningSince.set(on, nanoTime.getAsLong());
                runningSize.set(on, batch.size());
                workers.execute(() -> {
                    try {
                        run(batch, on);
                    } finally {
                        runningSize.set(on, 0);
                        freeLanes.add(on);
                    }
                });
            }
        }
    }

    /**
     * Waits for one more image while the batch has room, its oldest image has waited less than maxWait, and its most
     * urgent image can still afford a larger batch. True when one arrived; it is added to {@code held}, whose images
     * all arrived before anything still incoming, so arrival order is kept.
     */
    private boolean waitForMore(List<Request> batch, List<Request> held, long now) {
        long oldest = Long.MAX_VALUE;
        long earliestDeadline = Long.MAX_VALUE;
        for (Request r : batch) {
            oldest = Math.min(oldest, r.enqueuedNanos());
            earliestDeadline = Math.min(earliestDeadline, r.deadlineNanos());
        }
        long until = Math.min(oldest + maxWaitNanos, earliestDeadline - estimator.estimate(batch.size() + 1));
        long wait = until - now;
        if (wait <= 0) {
            return false;
        }
        try {
            Request next = incoming.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                return false;
            }
            held.add(next);
            return true;
        } catch (InterruptedException e) {
            closing = true;
            return false;
        }
    }

    private void run(List<Request> batch, int lane) {
        int n = batch.size();
        long start = nanoTime.getAsLong();
        runningSince.set(lane, start);
        runningSize.set(lane, n);
        float[][] outputs;
        try {
            outputs = runOnce(batch);
        } catch (Throwable t) {
            runningSize.set(lane, 0);
            if (n == 1) {
                LOG.warn("inference of an image failed: {}", t.toString());
                batch.get(0).future().completeExceptionally(t);
            } else {
                // One bad image must not take the healthy ones of its batch with it: retry each alone.
                LOG.warn("inference of a batch of {} failed ({}); retrying its images one by one", n, t.toString());
                for (Request r : batch) {
                    run(List.of(r), lane);
                }
            }
            return;
        } finally {
            runningSize.set(lane, 0);
        }
        long end = nanoTime.getAsLong();
        estimator.record(n, end - start);
        recentBatchSize += 0.2 * (n - recentBatchSize);
        for (int i = 0; i < n; i++) {
            Request r = batch.get(i);
            r.future().complete(new Result(outputs[i], n, start - r.enqueuedNanos(), end - start));
        }
    }

    private float[][] runOnce(List<Request> batch) {
        List<FloatBuffer> images = new ArrayList<>(batch.size());
        for (Request r : batch) {
            images.add(r.image());
        }
        float[][] outputs = runner.run(images);
        if (outputs == null || outputs.length != batch.size()) {
            throw new IllegalStateException("model returned " + (outputs == null ? "nothing" : outputs.length + " rows")
                    + " for a batch of " + batch.size());
        }
        return outputs;
    }

    /**
     * Stops taking images and lets the dispatcher finish every image already submitted. True when it did within the
     * timeout; false when a batch is still running (the model must then not be closed under it).
     */
    public boolean close(long timeoutMillis) {
        synchronized (submitLock) {
            closing = true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        boolean finished = false;
        try {
            dispatcher.join(timeoutMillis);
            workers.shutdown();
            finished = !dispatcher.isAlive()
                    && workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            LOG.warn("inference engine still running a batch after {} ms; leaving the model open under it", timeoutMillis);
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        close(TimeUnit.SECONDS.toMillis(60));
    }
}
