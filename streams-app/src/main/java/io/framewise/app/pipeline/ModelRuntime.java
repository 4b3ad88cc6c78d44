package io.framewise.app.pipeline;

import java.util.concurrent.TimeUnit;

import io.framewise.decoder.Preprocessor;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.batch.BatchingEngine;
import io.framewise.inference.batch.BufferPool;
import io.framewise.schema.ModelRef;

/**
 * One served model: its classifier, the batching engine in front of it, the preprocessing it needs, the pool of
 * input buffers, and a running estimate of how long decoding and preprocessing take (for predicting completion).
 */
public final class ModelRuntime implements AutoCloseable {
    private final FrameClassifier classifier;
    private final BatchingEngine engine;
    private final Preprocessor preprocessor;
    private final BufferPool pool;
    private final ModelRef ref;
    private final String note;
    private volatile double prepareNanos;
    /** Frames admitted to this model and being decoded: they will be queued ahead of a frame deciding now. */
    private final java.util.concurrent.atomic.AtomicInteger preparing = new java.util.concurrent.atomic.AtomicInteger();
    /** Running mean of how late answers came relative to their prediction (contention the estimates miss). */
    private volatile double predictionErrorNanos;
    /** Running mean absolute deviation of that error: the margin that covers its tail, not only its average. */
    private volatile double predictionErrorDeviationNanos;
    /** When the last outcome came back; the margin fades while none do, or skipping would feed on itself. */
    private volatile long lastOutcomeNanos = System.nanoTime();

    private ModelRuntime(FrameClassifier classifier, BatchingEngine engine) {
        this.classifier = classifier;
        this.engine = engine;
        this.preprocessor = new Preprocessor(classifier.preprocessSpec());
        this.pool = new BufferPool(classifier.preprocessSpec().floatsPerImage());
        ModelMetadata m = classifier.metadata();
        this.ref = new ModelRef(m.name(), m.version());
        this.note = m.untrained() ? "untrained model (" + m.weights() + "): labels are not meaningful" : null;
    }

    /** Starts the engine and runs every batch size once, so that the first frames do not pay for kernel compilation. */
    public static ModelRuntime start(FrameClassifier classifier, int maxBatch, long maxWaitMs) {
        BatchingEngine engine = new BatchingEngine(classifier.metadata().name(), classifier::run, maxBatch,
                TimeUnit.MILLISECONDS.toNanos(maxWaitMs), System::nanoTime);
        engine.warmUp(classifier.preprocessSpec().floatsPerImage());
        return new ModelRuntime(classifier, engine);
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

    /** Said in every event this model answers, e.g. that its weights are untrained; null when nothing needs saying. */
    public String note() {
        return note;
    }

    void recordPrepare(long nanos) {
        double previous = prepareNanos;
        prepareNanos = previous == 0 ? nanos : previous + 0.1 * (nanos - previous);
    }

    /**
     * When a frame that starts decoding at {@code nowNanos} would have its answer from this model: decoding, the
     * frames ahead of it (queued, running, and admitted but still decoding on other threads), its own batch, and a
     * margin learnt from how late recent answers came against their predictions (mean + 2.5 mean deviations), which
     * halves for every second without an answer so that a burst of skips cannot keep everything skipped.
     */
    public long predictCompletionNanos(long nowNanos) {
        double margin = Math.max(0, predictionErrorNanos + 2.5 * predictionErrorDeviationNanos);
        double silentSeconds = Math.max(0, (nowNanos - lastOutcomeNanos) / 1e9);
        return engine.predictCompletionNanos(nowNanos + (long) prepareNanos, preparing.get())
                + (long) (margin * Math.pow(0.5, silentSeconds));
    }

    /** A frame was admitted to this model; call {@link #submitted()} once it is queued (or dropped). */
    public void admitted() {
        preparing.incrementAndGet();
    }

    void submitted() {
        preparing.decrementAndGet();
    }

    /** Feeds back how far off a prediction was, so that predictions absorb contention the batch estimates miss. */
    public void recordOutcome(long predictedNanos, long actualNanos) {
        double error = actualNanos - predictedNanos;
        double mean = predictionErrorNanos;
        predictionErrorNanos = mean + 0.1 * (error - mean);
        predictionErrorDeviationNanos += 0.1 * (Math.abs(error - mean) - predictionErrorDeviationNanos);
        lastOutcomeNanos = actualNanos;
    }

    @Override
    public void close() {
        engine.close();
        classifier.close();
    }
}
