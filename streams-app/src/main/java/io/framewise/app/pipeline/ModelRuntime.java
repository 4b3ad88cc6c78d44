package io.framewise.app.pipeline;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.framewise.app.pipeline.AdmissionController.Outlook;
import io.framewise.decoder.Preprocessor;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.batch.BatchRunner;
import io.framewise.inference.batch.BatchingEngine;
import io.framewise.inference.batch.BufferPool;
import io.framewise.inference.batch.LatencyWindow;
import io.framewise.schema.ModelRef;

/**
 * One served model and what is measured about it: its classifier, the batching engine in front of it, the
 * preprocessing it needs, the pool of input buffers, how long preparing a frame (decode + preprocess) takes, how many
 * admitted frames are still being prepared, and when it last gave feedback. {@link #outlook(long)} turns that state
 * into the expectation the {@link AdmissionController} decides on; {@link #admit} and {@link Ticket} keep the counts
 * right on every path.
 */
public final class ModelRuntime implements AutoCloseable {
    /** A model that gave no feedback for this long gets a probe frame. */
    public static final long PROBE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long PREPARE_HORIZON_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final FrameClassifier classifier;
    private final BatchingEngine engine;
    private final Preprocessor preprocessor;
    private final BufferPool pool;
    private final ModelRef ref;
    private final String note;
    /** Decode + preprocess time: the median of the last 10 s, else the warm-up's measurement. */
    private final LatencyWindow prepare = new LatencyWindow(PREPARE_HORIZON_NANOS, 64, 3);
    /** Admitted frames still being prepared: they will be queued ahead of a frame deciding now. */
    private final AtomicInteger preparing = new AtomicInteger();
    private final AtomicBoolean probeOut = new AtomicBoolean();
    private final long probeAfterNanos;
    private volatile long lastFeedbackNanos = System.nanoTime();

    private ModelRuntime(FrameClassifier classifier, BatchingEngine engine, long probeAfterNanos) {
        this.classifier = classifier;
        this.engine = engine;
        this.probeAfterNanos = probeAfterNanos;
        this.preprocessor = new Preprocessor(classifier.preprocessSpec());
        this.pool = new BufferPool(classifier.preprocessSpec().floatsPerImage());
        ModelMetadata m = classifier.metadata();
        this.ref = new ModelRef(m.name(), m.version());
        this.note = m.untrained() ? "untrained model (" + m.weights() + "): labels are not meaningful" : null;
    }

    /** Starts the batching engine in front of {@code classifier}; {@link FrameAnalyzer#warmUp()} warms it up. */
    public static ModelRuntime start(FrameClassifier classifier, int maxBatch, long maxWaitMs) {
        return start(classifier, classifier::run, maxBatch, maxWaitMs, PROBE_AFTER_NANOS);
    }

    /**
     * As above with the batch runner given ({@code classifier::run} in production; tests wrap it, e.g. to make a
     * model deterministically slow) and the time without feedback after which a probe frame is admitted.
     */
    public static ModelRuntime start(FrameClassifier classifier, BatchRunner runner, int maxBatch, long maxWaitMs,
                                     long probeAfterNanos) {
        BatchingEngine engine = new BatchingEngine(classifier.metadata().name(), runner, maxBatch,
                TimeUnit.MILLISECONDS.toNanos(maxWaitMs), System::nanoTime);
        return new ModelRuntime(classifier, engine, probeAfterNanos);
    }

    public FrameClassifier classifier() {
        return classifier;
    }

    public BatchingEngine engine() {
        return engine;
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    public BufferPool pool() {
        return pool;
    }

    public ModelRef ref() {
        return ref;
    }

    /** The precision it computes in, as a metric label: "float32" or "bfloat16". */
    public String precisionTag() {
        return classifier.precision().name().toLowerCase(Locale.ROOT);
    }

    /** Said in every event this model answers, e.g. that its weights are untrained; null when nothing needs saying. */
    public String note() {
        return note;
    }

    /** The measured decode + preprocess time it returns to when no frame was prepared lately. */
    void preparePrior(long nanos) {
        prepare.prior(nanos);
    }

    long prepareEstimate(long nowNanos) {
        return prepare.quantile(0.5, nowNanos);
    }

    /**
     * What this model expects for a frame that would start preparing at {@code nowNanos}: its preparation, the frames
     * ahead of it (queued, running, and admitted but still being prepared on other threads), and its own batch.
     */
    public Outlook outlook(long nowNanos) {
        long completion = engine.predictCompletionNanos(nowNanos + prepareEstimate(nowNanos), preparing.get());
        return new Outlook(completion, nowNanos - lastFeedbackNanos > probeAfterNanos && !probeOut.get());
    }

    /** Admitted frames still being prepared (decoded, preprocessed) on stream threads. */
    int preparing() {
        return preparing.get();
    }

    /**
     * Admits one frame: counted as being prepared until the ticket says it was queued (or is closed). Null when the
     * frame was to be a probe and another thread has just sent one.
     */
    Ticket admit(boolean probe) {
        if (probe && !probeOut.compareAndSet(false, true)) {
            return null;
        }
        preparing.incrementAndGet();
        return new Ticket(probe);
    }

    /** One admitted frame's hold on the model's counts; closing it releases whatever it still holds. */
    final class Ticket implements AutoCloseable {
        private final boolean probe;
        private boolean stillPreparing = true;
        private boolean closed;

        private Ticket(boolean probe) {
            this.probe = probe;
        }

        boolean probe() {
            return probe;
        }

        /** Preparing took {@code nanos}; the frame is about to be queued. */
        void prepared(long nanos, long nowNanos) {
            prepare.record(nowNanos, nanos);
            lastFeedbackNanos = nowNanos;
            release();
        }

        /** The model answered (or shed) the frame. */
        void answered(long nowNanos) {
            lastFeedbackNanos = nowNanos;
        }

        private void release() {
            if (stillPreparing) {
                stillPreparing = false;
                preparing.decrementAndGet();
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release();
                if (probe) {
                    probeOut.set(false);
                }
            }
        }
    }

    /** Finishes what the engine holds; the classifier is closed only once no batch can be running on it. */
    @Override
    public void close() {
        if (engine.close(TimeUnit.SECONDS.toMillis(60))) {
            classifier.close();
        }
    }
}
