package io.framewise.app.pipeline;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.framewise.app.config.BudgetPolicy;
import io.framewise.app.pipeline.AdmissionController.Outlook;
import io.framewise.app.pipeline.AdmissionController.Verdict;
import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.ImageDecoder;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.inference.Prediction;
import io.framewise.inference.batch.BatchingEngine;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a frame's path, in the manner of DJL's {@code Predictor}: admission (the
 * {@link AdmissionController}'s verdict on each model's {@link ModelRuntime#outlook outlook}), decode and preprocess
 * on the calling stream thread (in parallel with inference of other frames), the batching engine, and the
 * post-processing into top-k predictions. {@link #start} queues a frame without waiting, {@link #finish} collects its
 * answer (bounded by the inference timeout, so a stuck model cannot hold the thread forever), {@link #analyze} does
 * both; the caller keeps a frame until its outcome is produced (see the topology's in-flight store).
 */
public final class FrameAnalyzer {
    private static final Logger LOG = LoggerFactory.getLogger(FrameAnalyzer.class);
    /** Warm-up repeats a batch size until two rounds agree this closely (or gives up after MAX_ROUNDS). */
    private static final double SETTLED = 0.15;
    private static final int MAX_ROUNDS = 8;

    /** Decoding a frame's payload into pixels; the real one is OpenCV's ({@link ImageDecoder}). */
    @FunctionalInterface
    public interface Decoding {
        DecodedImage decode(Frame frame);
    }

    private final InferenceService models;
    private final Decoding decoding;
    private final int topK;
    private final long timeoutMs;

    public FrameAnalyzer(InferenceService models, long maxPixels, int topK, long timeoutMs) {
        this(models, openCv(new ImageDecoder(maxPixels)), topK, timeoutMs);
    }

    public FrameAnalyzer(InferenceService models, Decoding decoding, int topK, long timeoutMs) {
        this.models = models;
        this.decoding = decoding;
        this.topK = topK;
        this.timeoutMs = timeoutMs;
    }

    private static Decoding openCv(ImageDecoder decoder) {
        return f -> decoder.decode(f.getCodec(), f.getPayload(), f.getWidth(), f.getHeight());
    }

    public InferenceService models() {
        return models;
    }

    /**
     * Decides on the frame and, if admitted, classifies it, waiting for the answer.
     *
     * @param deadlineNanos when the frame's budget runs out (monotonic nanoseconds)
     * @param superseded    a newer frame of the same camera is already waiting ({@link CameraCadence})
     */
    public Analysis analyze(Frame frame, long deadlineNanos, boolean superseded, BudgetPolicy policy) {
        return finish(start(frame, deadlineNanos, superseded, policy));
    }

    /**
     * Decides on the frame and, if admitted, decodes and preprocesses it on the calling thread and queues it for
     * inference, without waiting: the caller can take the next frame while this one is batched, and collects the
     * answer with {@link #finish(Pending)}. Throws when the frame cannot be decoded (nothing is then held).
     */
    public Pending start(Frame frame, long deadlineNanos, boolean superseded, BudgetPolicy policy) {
        ModelRuntime primary = models.primary();
        ModelRuntime fallback = models.fallback();
        long now = System.nanoTime();
        Outlook fallbackOutlook = fallback == null ? null : fallback.outlook(now);
        Verdict verdict = AdmissionController.decide(now, deadlineNanos, superseded, policy, primary.outlook(now),
                fallbackOutlook);
        if (!verdict.admitted()) {
            Analysis.SkipReason reason = switch (verdict) {
                case SKIP_EXPIRED -> Analysis.SkipReason.EXPIRED;
                case SKIP_SUPERSEDED -> Analysis.SkipReason.SUPERSEDED;
                default -> Analysis.SkipReason.FORECAST;
            };
            return Pending.done(Analysis.skipped(primary, reason));
        }
        ModelRuntime model = verdict.fallback() ? fallback : primary;
        long stuckNanos = model.engine().runningForNanos(now);
        if (stuckNanos > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
            // A model that hangs must not hold the stream thread for a timeout per buffered frame (max.poll.records
            // of them): once a batch has outlived the timeout, frames are refused at once until it answers.
            throw new InferenceException("model " + model.ref().getName() + " has not answered for "
                    + TimeUnit.NANOSECONDS.toMillis(stuckNanos) + " ms (framewise.inference.timeout.ms " + timeoutMs
                    + "): frame not queued", null);
        }
        ModelRuntime.Ticket ticket = model.admit(verdict.probe());
        if (ticket == null) {
            return Pending.done(Analysis.skipped(primary, Analysis.SkipReason.FORECAST)); // another thread is already probing
        }
        FloatBuffer input = null;
        try {
            input = model.pool().acquire();
            long t0 = System.nanoTime();
            long t1;
            String decodedAs;
            try (DecodedImage image = decoding.decode(frame)) {
                t1 = System.nanoTime();
                decodedAs = image.source() != null && image.source().contains("(declared ") ? image.source() : null;
                model.preprocessor().preprocess(image, input);
            }
            long t2 = System.nanoTime();
            ticket.prepared(t2 - t0, t2);
            // A probe runs even if late: it is there to measure. Best effort never sheds.
            boolean sheddable = policy != BudgetPolicy.BEST_EFFORT && !ticket.probe();
            CompletableFuture<BatchingEngine.Result> future = model.engine().submit(input, deadlineNanos, sheddable);
            return new Pending(model, ticket, input, future, t1 - t0, t2 - t1, System.nanoTime(), null, decodedAs);
        } catch (Throwable e) {
            if (input != null) {
                model.pool().release(input);
            }
            ticket.close();
            throw e;
        }
    }

    /**
     * Waits (at most {@code framewise.inference.timeout.ms} from submission) for a started frame's answer and turns
     * it into an {@link Analysis}; releases everything the frame held, whatever happens. Throws
     * {@link InferenceException} when the model failed on the frame or did not answer in time.
     */
    public Analysis finish(Pending pending) {
        if (pending.result != null) {
            return pending.result;
        }
        ModelRuntime model = pending.model;
        try {
            BatchingEngine.Result result;
            long waitNanos = pending.submittedNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs) - System.nanoTime();
            try {
                result = pending.future.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new InferenceException("inference failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new InferenceException("inference did not answer within " + timeoutMs + " ms (framewise.inference.timeout.ms)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InferenceException("interrupted while waiting for inference", e);
            }
            pending.ticket.answered(System.nanoTime());
            if (result.shed()) {
                return new Analysis(model, null, pending.decodeNanos, pending.preprocessNanos, result.queueNanos(), 0, 0,
                        pending.decodedAs, Analysis.SkipReason.SHED);
            }
            float[] probabilities = model.classifier().toProbabilities(new float[][] {result.output()})[0];
            List<Prediction> top = model.classifier().topK(probabilities, topK);
            return new Analysis(model, top, pending.decodeNanos, pending.preprocessNanos, result.queueNanos(),
                    result.inferenceNanos(), result.batchSize(), pending.decodedAs, null);
        } finally {
            if (pending.future.isDone()) {
                model.pool().release(pending.input); // otherwise the engine may still read it: left to the garbage collector
            }
            pending.ticket.close();
        }
    }

    /**
     * Gives up on a started frame without its answer (its task was revoked or closed): releases its hold on the
     * model's counts; its input buffer, which the engine may still read, is left to the garbage collector.
     */
    public void abandon(Pending pending) {
        if (pending.ticket != null) {
            pending.ticket.close();
        }
    }

    /** A frame decided on and, if admitted, queued for inference; its answer is collected by {@link #finish}. */
    public static final class Pending {
        private final ModelRuntime model;
        private final ModelRuntime.Ticket ticket;
        private final FloatBuffer input;
        private final CompletableFuture<BatchingEngine.Result> future;
        private final long decodeNanos;
        private final long preprocessNanos;
        private final long submittedNanos;
        private final Analysis result;
        private final String decodedAs;

        private Pending(ModelRuntime model, ModelRuntime.Ticket ticket, FloatBuffer input,
                        CompletableFuture<BatchingEngine.Result> future, long decodeNanos, long preprocessNanos,
                        long submittedNanos, Analysis result, String decodedAs) {
            this.model = model;
            this.ticket = ticket;
            this.input = input;
            this.future = future;
            this.decodeNanos = decodeNanos;
            this.preprocessNanos = preprocessNanos;
            this.submittedNanos = submittedNanos;
            this.result = result;
            this.decodedAs = decodedAs;
        }

        static Pending done(Analysis result) {
            return new Pending(null, null, null, null, 0, 0, 0, result, null);
        }

        /** True when {@link #finish} would not wait: decided without inference, or the model has answered. */
        public boolean isDone() {
            return result != null || future.isDone();
        }
    }

    /**
     * Runs the real path — decode, preprocess, batch, inference — on synthetic camera frames at every batch size (up to
     * 16; powers of two beyond) of every model, repeating each size until two rounds agree, and records what it measured as the estimates'
     * priors. Called before the application joins its group, so that the first real frames meet warm kernels, a
     * warm decoder and calibrated estimates instead of being skipped for the cost of a cold start.
     */
    public void warmUp() {
        List<byte[]> frames = syntheticFrames(640, 480, 8);
        warmUp(models.primary(), frames);
        if (models.fallback() != null) {
            warmUp(models.fallback(), frames);
        }
    }

    private void warmUp(ModelRuntime model, List<byte[]> jpegs) {
        long start = System.nanoTime();
        BatchingEngine engine = model.engine();
        List<Long> prepareSamples = new ArrayList<>();
        int rounds = 0;
        long first = 0;
        long last = 0;
        for (int size : warmUpSizes(engine.maxBatch())) {
            long previous = -1;
            long took = 0;
            for (int round = 0; round < MAX_ROUNDS; round++) {
                rounds++;
                took = warmUpBatch(model, jpegs, size, prepareSamples);
                if (previous > 0 && Math.abs(took - previous) <= SETTLED * previous) {
                    break;
                }
                previous = took;
            }
            engine.estimator().prior(size, took);
            first = first == 0 ? took : first;
            last = took;
        }
        long[] p = prepareSamples.stream().mapToLong(Long::longValue).sorted().toArray();
        model.preparePrior(p[p.length / 2]);
        LOG.info("warm-up of {}: {} rounds in {} ms; batch 1 {} ms, batch {} {} ms; decode + preprocess {} ms",
                model.ref().getName(), rounds, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                fmt(first), engine.maxBatch(), fmt(last), fmt(p[p.length / 2]));
    }

    /**
     * The batch sizes warm-up measures: every size up to 16 (the sizes a small machine runs), then powers of two and
     * the maximum; the estimates interpolate between measured sizes.
     */
    static List<Integer> warmUpSizes(int maxBatch) {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 1; size <= maxBatch; size = size < 16 ? size + 1 : size * 2) {
            sizes.add(size);
        }
        if (sizes.get(sizes.size() - 1) != maxBatch) {
            sizes.add(maxBatch);
        }
        return sizes;
    }

    /** Prepares {@code size} frames, submits them together and returns how long their batch took. */
    private long warmUpBatch(ModelRuntime model, List<byte[]> jpegs, int size, List<Long> prepareSamples) {
        List<FloatBuffer> inputs = new ArrayList<>(size);
        List<CompletableFuture<BatchingEngine.Result>> futures = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                FloatBuffer input = model.pool().acquire();
                inputs.add(input);
                Frame frame = Frame.newBuilder().setCameraId("warm-up").setSequence(i)
                        .setCaptureTimestamp(Instant.now()).setCodec(Codec.JPEG).setWidth(640).setHeight(480)
                        .setPayload(ByteBuffer.wrap(jpegs.get(i % jpegs.size()))).setAttributes(Map.of()).build();
                long t0 = System.nanoTime();
                try (DecodedImage image = decoding.decode(frame)) {
                    model.preprocessor().preprocess(image, input);
                }
                prepareSamples.add(System.nanoTime() - t0);
            }
            // Due now and not sheddable: the batch runs as soon as it is queued, instead of waiting max.wait.ms for
            // images that will not come.
            long due = System.nanoTime();
            for (FloatBuffer input : inputs) {
                futures.add(model.engine().submit(input, due, false));
            }
            long slowest = 0;
            for (CompletableFuture<BatchingEngine.Result> f : futures) {
                slowest = Math.max(slowest, f.get(timeoutMs, TimeUnit.MILLISECONDS).inferenceNanos());
            }
            return slowest;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("warm-up inference of " + model.ref().getName() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during warm-up", e);
        } finally {
            for (int i = 0; i < inputs.size(); i++) {
                if (i >= futures.size() || futures.get(i).isDone()) {
                    model.pool().release(inputs.get(i));
                }
            }
        }
    }

    private static List<byte[]> syntheticFrames(int width, int height, int count) {
        ImageEncoder jpeg = new ImageEncoder(Codec.JPEG, 85);
        List<byte[]> out = new ArrayList<>(count);
        try (SyntheticScene scene = new SyntheticScene(width, height, 0, "warm-up", count)) {
            Mat image;
            while ((image = scene.next()) != null) {
                out.add(jpeg.encode(image));
            }
        }
        return out;
    }

    private static String fmt(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** The model could not classify this frame; dead-lettered with this message. */
    public static final class InferenceException extends RuntimeException {
        public InferenceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
