package io.framewise.inference.batch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forms inference batches dynamically from images submitted by many threads: one dispatcher thread takes the oldest
 * waiting image and adds whatever else arrives, up to {@code maxBatch}, waiting at most {@code maxWait} after that
 * first image, and never past the moment when the most urgent image of the batch would miss its deadline (the latest
 * start time given the estimated latency of the batch). Each submitter gets its own row back through its future;
 * a failing batch fails only the futures of its own images.
 *
 * <p>One engine per model per process: TensorFlow runs one batch at a time best on a small machine, and its thread
 * pool is per process anyway.
 */
public final class BatchingEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingEngine.class);

    /** One image's answer and what it cost. */
    public record Result(float[] output, int batchSize, long queueNanos, long inferenceNanos) {
    }

    private record Request(FloatBuffer image, long deadlineNanos, long enqueuedNanos, CompletableFuture<Result> future) {
    }

    private final BatchRunner runner;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final LongSupplier nanoTime;
    private final BatchLatencyEstimator estimator;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private volatile boolean closing;
    private volatile long runningSince;
    private volatile int runningSize;

    public BatchingEngine(String name, BatchRunner runner, int maxBatch, long maxWaitNanos, LongSupplier nanoTime) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.runner = runner;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitNanos;
        this.nanoTime = nanoTime;
        this.estimator = new BatchLatencyEstimator(maxBatch);
        this.dispatcher = new Thread(this::dispatch, "framewise-batcher-" + name);
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    public BatchLatencyEstimator estimator() {
        return estimator;
    }

    /**
     * Runs every batch size once on zero images (the first run of a shape compiles kernels), then again to seed the
     * latency estimates, before any real frame waits on it.
     */
    public void warmUp(int floatsPerImage) {
        FloatBuffer zeros = ByteBuffer.allocateDirect(4 * floatsPerImage).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int size = 1; size <= maxBatch; size++) {
            List<FloatBuffer> batch = Collections.nCopies(size, zeros);
            runner.run(batch);
            long t0 = nanoTime.getAsLong();
            runner.run(batch);
            estimator.record(size, nanoTime.getAsLong() - t0);
        }
    }

    /**
     * Queues one image ({@code H*W*3} floats from position 0; the caller keeps the buffer unchanged until the future
     * completes). The future completes with the image's output row, or exceptionally with the batch's failure.
     */
    public CompletableFuture<Result> submit(FloatBuffer image, long deadlineNanos) {
        CompletableFuture<Result> future = new CompletableFuture<>();
        if (closing) {
            future.completeExceptionally(new IllegalStateException("inference engine is closed"));
            return future;
        }
        queue.add(new Request(image, deadlineNanos, nanoTime.getAsLong(), future));
        return future;
    }

    /**
     * When an image submitted at {@code atNanos} would have its answer: the rest of the running batch, the full
     * batches queued before it, and the batch it would join.
     */
    public long predictCompletionNanos(long atNanos) {
        return predictCompletionNanos(atNanos, 0);
    }

    /** As above, counting {@code aheadNotYetQueued} more images that will be queued before this one. */
    public long predictCompletionNanos(long atNanos, int aheadNotYetQueued) {
        int queued = queue.size() + Math.max(0, aheadNotYetQueued);
        long remainingOfRunning = 0;
        int running = runningSize;
        if (running > 0) {
            remainingOfRunning = Math.max(0, runningSince + estimator.estimate(running) - atNanos);
        }
        int batchesAhead = queued / maxBatch;
        int ownBatch = Math.min(maxBatch, queued % maxBatch + 1);
        return atNanos + remainingOfRunning + batchesAhead * estimator.estimate(maxBatch) + estimator.estimate(ownBatch);
    }

    private void dispatch() {
        List<Request> batch = new ArrayList<>(maxBatch);
        while (true) {
            Request first;
            try {
                first = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
                closing = true;
            }
            if (first == null) {
                if (closing && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            fill(batch, first);
            run(batch);
        }
    }

    /** Waits for more images while the batch has room, the oldest has waited less than maxWait, and no deadline forbids it. */
    private void fill(List<Request> batch, Request first) {
        while (batch.size() < maxBatch && !closing) {
            long until = Math.min(first.enqueuedNanos() + maxWaitNanos, latestStart(batch, batch.size() + 1));
            long wait = until - nanoTime.getAsLong();
            if (wait <= 0) {
                return;
            }
            Request next;
            try {
                next = queue.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                closing = true;
                return;
            }
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    /** The latest start of a batch of {@code size} at which its most urgent image still meets its deadline. */
    private long latestStart(List<Request> batch, int size) {
        long earliestDeadline = Long.MAX_VALUE;
        for (Request r : batch) {
            earliestDeadline = Math.min(earliestDeadline, r.deadlineNanos());
        }
        return earliestDeadline == Long.MAX_VALUE ? Long.MAX_VALUE : earliestDeadline - estimator.estimate(size);
    }

    private void run(List<Request> batch) {
        int n = batch.size();
        long start = nanoTime.getAsLong();
        runningSince = start;
        runningSize = n;
        float[][] outputs;
        try {
            List<FloatBuffer> images = new ArrayList<>(n);
            for (Request r : batch) {
                images.add(r.image());
            }
            outputs = runner.run(images);
            if (outputs == null || outputs.length != n) {
                throw new IllegalStateException("model returned " + (outputs == null ? "nothing" : outputs.length + " rows")
                        + " for a batch of " + n);
            }
        } catch (Throwable t) {
            LOG.warn("inference of a batch of {} failed: {}", n, t.toString());
            for (Request r : batch) {
                r.future().completeExceptionally(t);
            }
            return;
        } finally {
            runningSize = 0;
        }
        long end = nanoTime.getAsLong();
        estimator.record(n, end - start);
        for (int i = 0; i < n; i++) {
            Request r = batch.get(i);
            r.future().complete(new Result(outputs[i], n, start - r.enqueuedNanos(), end - start));
        }
    }

    /** Stops taking images, finishes every image already queued, and stops the dispatcher. */
    @Override
    public void close() {
        closing = true;
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Request r;
        while ((r = queue.poll()) != null) {
            r.future().completeExceptionally(new IllegalStateException("inference engine closed before this image ran"));
        }
    }
}
