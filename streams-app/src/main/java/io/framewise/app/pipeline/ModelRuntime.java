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

    /** When a frame that starts decoding at {@code nowNanos} would have its answer from this model. */
    public long predictCompletionNanos(long nowNanos) {
        return engine.predictCompletionNanos(nowNanos + (long) prepareNanos);
    }

    @Override
    public void close() {
        engine.close();
        classifier.close();
    }
}
