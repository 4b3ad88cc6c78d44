package io.framewise.app.pipeline;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.ImageDecoder;
import io.framewise.inference.Prediction;
import io.framewise.inference.batch.BatchingEngine;
import io.framewise.schema.Frame;

/**
 * Decodes and preprocesses a frame on the calling stream thread (in parallel with inference of other frames), hands
 * it to the model's batching engine, and waits for its own answer: the event is produced before the record's offset
 * can be committed, and the wait is bounded so a stuck model cannot hold the thread past the poll interval.
 */
public final class FrameAnalyzer {
    private final InferenceService models;
    private final ImageDecoder decoder;
    private final int topK;
    private final long timeoutMs;

    public FrameAnalyzer(InferenceService models, long maxPixels, int topK, long timeoutMs) {
        this.models = models;
        this.decoder = new ImageDecoder(maxPixels);
        this.topK = topK;
        this.timeoutMs = timeoutMs;
    }

    public InferenceService models() {
        return models;
    }

    /** Classifies with {@code model}, to which the caller has {@linkplain ModelRuntime#admitted() admitted} the frame. */
    public Analysis analyze(Frame frame, ModelRuntime model, long deadlineNanos) {
        FloatBuffer input;
        try {
            input = model.pool().acquire();
        } catch (RuntimeException e) {
            model.submitted();
            throw e;
        }
        long t0 = System.nanoTime();
        long t1;
        try (DecodedImage image = decoder.decode(frame.getCodec(), frame.getPayload(), frame.getWidth(), frame.getHeight())) {
            t1 = System.nanoTime();
            model.preprocessor().preprocess(image, input);
        } catch (RuntimeException e) {
            model.pool().release(input);
            model.submitted();
            throw e;
        }
        long t2 = System.nanoTime();
        model.recordPrepare(t2 - t0);
        CompletableFuture<BatchingEngine.Result> future = model.engine().submit(input, deadlineNanos);
        model.submitted();
        BatchingEngine.Result result;
        try {
            result = future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new InferenceException("inference failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new InferenceException("inference did not answer within " + timeoutMs + " ms (framewise.inference.timeout.ms)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while waiting for inference", e);
        } finally {
            if (future.isDone()) {
                model.pool().release(input); // otherwise the engine may still read it: left to the garbage collector
            }
        }
        float[] probabilities = model.classifier().toProbabilities(new float[][] {result.output()})[0];
        List<Prediction> top = model.classifier().topK(probabilities, topK);
        return new Analysis(top, t1 - t0, t2 - t1, result.queueNanos(), result.inferenceNanos(), result.batchSize());
    }

    /** The model could not classify this frame; dead-lettered with this message. */
    public static final class InferenceException extends RuntimeException {
        public InferenceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
