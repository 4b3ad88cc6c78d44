package io.framewise.inference.serving;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.Preprocessor;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.PostProcessor;
import io.framewise.inference.Prediction;
import io.framewise.inference.batch.BatchLatencyEstimator;
import io.framewise.inference.batch.BatchRunner;
import io.framewise.inference.batch.BatchingEngine;
import io.framewise.inference.batch.BufferPool;
import io.framewise.inference.batch.LatencyWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model as the frame path uses it, in the way of DJL's {@code Predictor}: it takes a decoded image and gives back
 * the top classes, and hides how (the preprocessing its metadata asks for, a pooled input buffer, the batching engine
 * in front of the runner, softmax and top-k). It also keeps what admission needs to know about it: how long preparing
 * a frame takes (decode + preprocess), how many admitted frames are still being prepared, and when it last gave
 * feedback.
 *
 * <p>A frame crosses into it three times: {@link #outlook} (what would happen to a frame starting now),
 * {@link #admit} (a {@link Ticket} that keeps the counts right on every path), and {@link #submit} (its answer, as a
 * future). The input buffer is released in one place, when the engine's future completes, whoever waits for it.
 *
 * <p>Thread-safe; one per model per process, shared by every stream thread.
 */
public final class ServedModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);
    /**
     * A model that gave no feedback for this long gets a probe frame. Probes run only while the estimates keep every
     * frame out (any admitted batch is feedback), so one costs a frame's inference on an idle model; the estimates
     * need a few of them to believe the model is fast again (BatchLatencyEstimator), so a second apart cost seconds
     * of skipping after a few slow batches at a cold start.
     */
    public static final long PROBE_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long PREPARE_HORIZON_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Warm-up measures every batch size this many times, in turns, and keeps each size's fastest. */
    private static final int WARM_UP_CYCLES = 3;

    /**
     * One frame's answer.
     *
     * @param predictions     the top classes, best first; null when the frame was shed
     * @param preprocessNanos time spent preprocessing it
     * @param queueNanos      time in the engine's queue before its batch started (or it was shed)
     */
    public record Answer(List<Prediction> predictions, int batchSize, long preprocessNanos, long queueNanos,
                         long inferenceNanos) {
        /** True when the frame was not run because its batch could not have finished in time. */
        public boolean shed() {
            return predictions == null;
        }
    }

    private final ModelMetadata metadata;
    private final ModelTag tag;
    private final String note;
    private final Preprocessor preprocessor;
    private final BufferPool pool;
    private final BatchingEngine engine;
    private final PostProcessor post;
    private final int topK;
    private final AutoCloseable onClose;
    private final long probeAfterNanos;
    /** Decode + preprocess time: the median of the last 10 s, else the warm-up's measurement. */
    private final LatencyWindow prepare = new LatencyWindow(PREPARE_HORIZON_NANOS, 64, 3);
    /** Admitted frames still being prepared: they will be queued ahead of a frame deciding now. */
    private final AtomicInteger preparing = new AtomicInteger();
    private final AtomicBoolean probeOut = new AtomicBoolean();
    private volatile long lastFeedbackNanos = System.nanoTime();

    private ServedModel(Builder b) {
        this.metadata = b.metadata;
        this.tag = new ModelTag(b.metadata.name(), b.metadata.version(), b.precision);
        this.note = b.metadata.untrained() ? "untrained model (" + b.metadata.weights() + "): labels are not meaningful" : null;
        this.preprocessor = new Preprocessor(b.metadata.preprocessSpec());
        this.pool = new BufferPool(b.metadata.preprocessSpec().floatsPerImage());
        this.post = PostProcessor.of(b.metadata, b.labels);
        this.topK = b.topK;
        this.onClose = b.onClose;
        this.probeAfterNanos = b.probeAfterNanos;
        this.engine = new BatchingEngine(b.metadata.name(), b.runner, b.maxBatch, TimeUnit.MILLISECONDS.toNanos(b.maxWaitMs),
                b.instances, System::nanoTime);
        this.engine.estimator().prefer(b.preferredBatch);
    }

    /** A classifier served: its runner, metadata, labels and precision; closing the served model closes it. */
    public static Builder of(FrameClassifier classifier) {
        return new Builder(classifier.metadata(), classifier.labels(), classifier::run)
                .precision(classifier.precision().name().toLowerCase(Locale.ROOT)).onClose(classifier);
    }

    /** Any runner served as a model of this metadata and these labels (a test's fake model, a wrapped classifier). */
    public static Builder of(ModelMetadata metadata, List<String> labels, BatchRunner runner) {
        return new Builder(metadata, labels, runner);
    }

    public ModelTag tag() {
        return tag;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** Said in every event this model answers, e.g. that its weights are untrained; null when nothing needs saying. */
    public String note() {
        return note;
    }

    public int maxBatch() {
        return engine.maxBatch();
    }

    /**
     * What this model expects for a frame that would start preparing at {@code nowNanos}: its preparation, the frames
     * ahead of it (queued, running, and admitted but still being prepared on other threads), and its own batch.
     */
    public Outlook outlook(long nowNanos) {
        long prepareNanos = prepare.quantile(0.5, nowNanos);
        long completion = engine.predictCompletionNanos(nowNanos + prepareNanos, preparing.get());
        return new Outlook(completion, nowNanos - lastFeedbackNanos > probeAfterNanos && !probeOut.get(),
                engine.runningForNanos(nowNanos), Outlook.perFrameNanos(prepareNanos, batchShareNanos(), engine.instances()));
    }

    /**
     * What one frame costs this model as measured so far (warm-up, then live frames): its share of a full batch's
     * run (wall time, on the batch's intra-op threads) and its preparation (decode and preprocess), both in ns.
     */
    public record FrameCost(long batchShareNanos, long prepareNanos) {
    }

    public FrameCost frameCost(long nowNanos) {
        return new FrameCost(batchShareNanos(), prepare.quantile(0.5, nowNanos));
    }

    /** One frame's share of a full batch's run on one instance (full: the largest that pays), as estimated now. */
    private long batchShareNanos() {
        return engine.estimator().fullBatchShareNanos();
    }

    /** Admitted frames still being prepared (decoded, preprocessed). */
    public int preparing() {
        return preparing.get();
    }

    /**
     * Admits one frame: counted as being prepared until it is submitted (or its ticket is closed). Null when the frame
     * was to be a probe and another thread has just sent one.
     */
    public Ticket admit(boolean probe) {
        if (probe && !probeOut.compareAndSet(false, true)) {
            return null;
        }
        preparing.incrementAndGet();
        return new Ticket(probe, System.nanoTime());
    }

    /**
     * Preprocesses an admitted frame's image into a pooled buffer and queues it; the image may be closed when this
     * returns. The future completes with the top classes; with a shed answer when the deadline cannot be met and
     * the frame may be shed (not under best effort, which never sheds, and not a probe, which runs even if late: it
     * is there to measure); or exceptionally with the frame's failure or the engine's closing. The buffer goes back to
     * the pool when the engine is done with it; the ticket is closed then too (or at once, if this throws).
     */
    public CompletableFuture<Answer> submit(DecodedImage image, long deadlineNanos, BudgetPolicy policy, Ticket ticket) {
        boolean sheddable = policy != BudgetPolicy.BEST_EFFORT && !ticket.probe;
        FloatBuffer input = pool.acquire();
        CompletableFuture<BatchingEngine.Result> result;
        long preprocessNanos;
        try {
            long t0 = System.nanoTime();
            preprocessor.preprocess(image, input);
            long t1 = System.nanoTime();
            preprocessNanos = t1 - t0;
            ticket.prepared(t1);
            result = engine.submit(input, deadlineNanos, sheddable);
        } catch (Throwable e) {
            pool.release(input);
            ticket.close();
            throw e;
        }
        // the answer completes after this stage: whoever waits for it finds the buffer back and the ticket closed
        return result.whenComplete((r, failure) -> {
            pool.release(input); // the one place: the engine has read it, or never will
            if (failure == null) {
                ticket.answered(System.nanoTime());
            }
            ticket.close();
        }).thenApply(r -> new Answer(r.shed() ? null : post.predictions(r.output(), topK), r.batchSize(),
                preprocessNanos, r.queueNanos(), r.inferenceNanos()));
    }

    /** One admitted frame's hold on the model's counts; closing it releases whatever it still holds. */
    public final class Ticket implements AutoCloseable {
        private final boolean probe;
        private final long admittedNanos;
        private boolean stillPreparing = true;
        private boolean closed;

        private Ticket(boolean probe, long admittedNanos) {
            this.probe = probe;
            this.admittedNanos = admittedNanos;
        }

        /** The model this ticket admits a frame to. */
        public ServedModel model() {
            return ServedModel.this;
        }

        /** Decoded and preprocessed, about to be queued: preparing took the time since admission. */
        private synchronized void prepared(long nowNanos) {
            prepare.record(nowNanos, nowNanos - admittedNanos);
            lastFeedbackNanos = nowNanos;
            release();
        }

        private void answered(long nowNanos) {
            lastFeedbackNanos = nowNanos;
        }

        private void release() {
            if (stillPreparing) {
                stillPreparing = false;
                preparing.decrementAndGet();
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                release();
                if (probe) {
                    probeOut.set(false);
                }
            }
        }
    }

    /**
     * Runs the real path (decode, preprocess, batch, inference) on {@code samples} at every batch size
     * ({@link #warmUpSizes}) and records what it measured as the estimates' priors: the first real frames then meet
     * warm kernels, a warm decoder and calibrated estimates instead of being skipped for the cost of a cold start. Each
     * sample decodes one image (the decoder is warmed and timed too).
     *
     * <p>Measured as under load, where the batch size matters: every instance runs a batch of the size at once (on 2
     * cores, two batches of 8 side by side each took 1.6 times as long as one alone; two of 1 hardly longer). The sizes
     * are measured in turns, largest first, {@value #WARM_UP_CYCLES} times over, and each size's fastest round is kept:
     * the compiler and the rest of start-up take a varying share of the cores throughout, and a neighbour only ever
     * adds time. Measured size after size instead (each until two rounds agreed, batch 1 first, then last), batch 1 read
     * 44 to 56 ms against 43 ms model-only, and the largest size worth forming came out 2 to 5 where it is 1. The
     * priors are set together at the end: the largest size worth forming is read from them, and set one by one they
     * would limit warm-up's own batches.
     */
    public void warmUp(List<Supplier<DecodedImage>> samples, long timeoutMs) {
        long start = System.nanoTime();
        List<Long> prepareSamples = new ArrayList<>();
        // sizes above a preferred one are never formed: neither measured (nor could they be, batches stop at it)
        int preferred = engine.estimator().preferredBatch();
        int largest = preferred > 0 ? preferred : engine.maxBatch();
        List<Integer> sizes = new ArrayList<>(warmUpSizes(largest));
        Collections.reverse(sizes);
        Map<Integer, Long> measured = new TreeMap<>();
        for (int cycle = 0; cycle < WARM_UP_CYCLES; cycle++) {
            for (int size : sizes) {
                measured.merge(size, warmUpRound(samples, size, prepareSamples, timeoutMs), Math::min);
            }
        }
        measured.forEach((size, took) -> engine.estimator().prior(size, took));
        long[] p = prepareSamples.stream().mapToLong(Long::longValue).sorted().toArray();
        prepare.prior(p[p.length / 2]);
        int limit = preferred > 0 ? preferred : engine.estimator().efficientBatch();
        String why = preferred > 0 ? " (preferred)" : limit < largest ? " (larger ones buy no throughput on this machine)" : "";
        LOG.info("warm-up of {}: {} rounds in {} ms, {} batch(es) side by side; batch 1 {} ms, batch {} {} ms; decode + "
                + "preprocess {} ms; batches of up to {}{}", metadata.name(), WARM_UP_CYCLES * sizes.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), engine.instances(), ms(measured.get(1)),
                largest, ms(measured.get(largest)), ms(p[p.length / 2]), limit, why);
    }

    /**
     * The batch sizes warm-up measures: every size up to 16 (the sizes a small machine runs), then powers of two and
     * the maximum; the estimates interpolate between measured sizes.
     */
    public static List<Integer> warmUpSizes(int maxBatch) {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 1; size <= maxBatch; size = size < 16 ? size + 1 : size * 2) {
            sizes.add(size);
        }
        if (sizes.get(sizes.size() - 1) != maxBatch) {
            sizes.add(maxBatch);
        }
        return sizes;
    }

    /**
     * Prepares a batch of {@code size} frames per instance, queues one batch after another so that each instance takes
     * one (the next is queued once the last has started), and returns how long they took, on average.
     */
    private long warmUpRound(List<Supplier<DecodedImage>> samples, int size, List<Long> prepareSamples, long timeoutMs) {
        int batches = engine.instances();
        List<FloatBuffer> inputs = new ArrayList<>(batches * size);
        List<CompletableFuture<BatchingEngine.Result>> futures = new ArrayList<>(batches * size);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            for (int i = 0; i < batches * size; i++) {
                FloatBuffer input = pool.acquire();
                inputs.add(input);
                long t0 = System.nanoTime();
                try (DecodedImage image = samples.get(i % samples.size()).get()) {
                    preprocessor.preprocess(image, input);
                }
                prepareSamples.add(System.nanoTime() - t0);
            }
            for (int b = 0; b < batches; b++) {
                // Due now and not sheddable: the batch runs as soon as it is queued, instead of waiting max.wait.ms for
                // images that will not come.
                futures.addAll(engine.submitAll(inputs.subList(b * size, (b + 1) * size), System.nanoTime(), false));
                while (engine.queued() > 0 && System.nanoTime() < until) {
                    LockSupport.parkNanos(100_000); // until an instance has taken this batch, so the next is its own
                }
            }
            long total = 0;
            for (int b = 0; b < batches; b++) {
                long slowest = 0;
                for (int i = b * size; i < (b + 1) * size; i++) {
                    long left = Math.max(1, until - System.nanoTime());
                    slowest = Math.max(slowest, futures.get(i).get(left, TimeUnit.NANOSECONDS).inferenceNanos());
                }
                total += slowest;
            }
            return total / batches;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("warm-up inference of " + metadata.name() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during warm-up", e);
        } finally {
            for (int i = 0; i < inputs.size(); i++) {
                if (i >= futures.size() || futures.get(i).isDone()) {
                    pool.release(inputs.get(i)); // one the engine may still read is left to the garbage collector
                }
            }
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** Finishes what the engine holds; the runner's owner is closed only once no batch can be running on it. */
    @Override
    public void close() {
        if (engine.close(TimeUnit.SECONDS.toMillis(60)) && onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                LOG.warn("closing model {} failed: {}", metadata.name(), e.toString());
            }
        }
    }

    /** How a model is served: batch limits, probing, how many classes an answer lists, and what closing frees. */
    public static final class Builder {
        private final ModelMetadata metadata;
        private final List<String> labels;
        private BatchRunner runner;
        private String precision = "float32";
        private int maxBatch = 16;
        private long maxWaitMs = 5;
        private long probeAfterNanos = PROBE_AFTER_NANOS;
        private int topK = 5;
        private int instances = 1;
        private int preferredBatch;
        private AutoCloseable onClose;

        private Builder(ModelMetadata metadata, List<String> labels, BatchRunner runner) {
            this.metadata = metadata;
            this.labels = labels;
            this.runner = runner;
        }

        /** The precision it computes in, as events and meters say it: "float32" or "bfloat16". */
        public Builder precision(String precision) {
            this.precision = precision;
            return this;
        }

        public Builder maxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
            return this;
        }

        public Builder maxWaitMs(long maxWaitMs) {
            this.maxWaitMs = maxWaitMs;
            return this;
        }

        /** Batches of up to this size whatever warm-up measures (see {@link BatchLatencyEstimator#prefer}); 0: measured. */
        public Builder preferredBatch(int preferredBatch) {
            this.preferredBatch = preferredBatch;
            return this;
        }

        /** The time without feedback after which a probe frame is admitted (tests of the policies turn probes off). */
        public Builder probeAfterNanos(long probeAfterNanos) {
            this.probeAfterNanos = probeAfterNanos;
            return this;
        }

        /** How many batches may run side by side (each on a worker of its own). */
        public Builder instances(int instances) {
            this.instances = instances;
            return this;
        }

        /** How many of the most probable classes an answer lists. */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** The runner batches go to, e.g. the classifier's wrapped to be deterministically slow. */
        public Builder runner(BatchRunner runner) {
            this.runner = runner;
            return this;
        }

        /** What closing the served model closes once no batch can be running (the classifier). */
        public Builder onClose(AutoCloseable onClose) {
            this.onClose = onClose;
            return this;
        }

        /** Starts the batching engine; {@link ServedModel#warmUp} warms it up. */
        public ServedModel start() {
            return new ServedModel(this);
        }
    }
}
