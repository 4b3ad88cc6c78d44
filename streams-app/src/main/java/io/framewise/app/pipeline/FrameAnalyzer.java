package io.framewise.app.pipeline;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.ImageDecoder;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.decoder.video.VideoSession;
import io.framewise.inference.serving.Admission;
import io.framewise.inference.serving.ServedModel;
import io.framewise.inference.serving.ServedModels;
import io.framewise.inference.serving.SkipReason;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A frame's way through the models, after its {@link FrameIntake}: decide ({@link Admission}, on the models'
 * outlooks), decode, submit to the chosen {@link ServedModel}, collect. The stream thread decodes; preprocessing,
 * batching, inference and post-processing are the served model's. Shared by the stream threads of a process.
 */
public final class FrameAnalyzer {

    /** Decoding a frame's payload into pixels; the real one is OpenCV's ({@link ImageDecoder}). */
    @FunctionalInterface
    public interface Decoding {
        DecodedImage decode(Frame frame);
    }

    private final ServedModels models;
    private final Decoding decoding;
    private final long timeoutMs;

    public FrameAnalyzer(ServedModels models, long maxPixels, long timeoutMs) {
        this(models, openCv(new ImageDecoder(maxPixels)), timeoutMs);
    }

    public FrameAnalyzer(ServedModels models, Decoding decoding, long timeoutMs) {
        this.models = models;
        this.decoding = decoding;
        this.timeoutMs = timeoutMs;
    }

    private static Decoding openCv(ImageDecoder decoder) {
        return f -> decoder.decode(f.getCodec(), f.getPayload(), f.getWidth(), f.getHeight());
    }

    public ServedModels models() {
        return models;
    }

    /** Decides on the frame and, if admitted, classifies it, waiting for the answer. */
    public Analysis analyze(Intake intake) {
        return finish(start(intake));
    }

    /**
     * Decides on the frame and, if admitted, decodes it on the calling thread and submits it, without waiting: the
     * caller can take the next frame while this one is batched, and collects the answer with {@link #finish}. Throws
     * when the frame cannot be decoded (nothing is then held).
     */
    public Pending start(Intake intake) {
        long now = System.nanoTime();
        Admission.Decision decision = models.decide(now, intake.request());
        if (!decision.admitted()) {
            return Pending.done(notClassified(intake, decision.skip()));
        }
        if (decision.runningForNanos() > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
            // A model that hangs must not hold the stream thread for a timeout per buffered frame (max.poll.records
            // of them): once a batch has outlived the timeout, frames are refused at once until it answers. A video
            // access unit still goes through its camera's decoder, for the pictures that reference it.
            notClassified(intake, SkipReason.FORECAST);
            throw new InferenceException("model " + models.route(decision.route()).tag().name() + " has not answered for "
                    + TimeUnit.NANOSECONDS.toMillis(decision.runningForNanos()) + " ms (framewise.inference.timeout.ms "
                    + timeoutMs + "): frame not queued", null);
        }
        ServedModel.Ticket ticket = models.admit(decision);
        if (ticket == null) {
            return Pending.done(notClassified(intake, SkipReason.FORECAST)); // another thread is already probing
        }
        try {
            long t0 = System.nanoTime();
            DecodedImage decoded;
            if (intake.video() != null) {
                VideoSession.Step step = intake.video().take(intake.frame().getSequence(), intake.frame().getPayload(), true);
                if (!step.hasPicture()) {
                    ticket.close();
                    return Pending.done(Analysis.skipped(models.primary(), SkipReason.NO_PICTURE, step.reason(),
                            System.nanoTime() - t0));
                }
                decoded = step.image();
            } else {
                decoded = decoding.decode(intake.frame());
            }
            try (DecodedImage image = decoded) {
                long decodeNanos = System.nanoTime() - t0;
                String decodedAs = image.notAsDeclared() ? image.source() : null;
                CompletableFuture<ServedModel.Answer> answer = ticket.model().submit(image, intake.request().deadlineNanos(),
                        intake.request().policy(), ticket);
                return new Pending(ticket, answer, decodeNanos, System.nanoTime(), null, decodedAs);
            }
        } catch (Throwable e) {
            ticket.close();
            throw e;
        }
    }

    /**
     * The outcome of a frame that will not be classified. A video access unit still goes through its camera's
     * decoder when later access units may reference it (and is dropped undecoded when none can); when decoding the
     * camera is slower than the camera itself and its access units expire with newer ones waiting, the camera skips to
     * its next keyframe instead of decoding its way through the backlog.
     */
    private Analysis notClassified(Intake intake, SkipReason reason) {
        VideoSession video = intake.video();
        if (video == null) {
            return Analysis.skipped(models.primary(), reason);
        }
        Frame frame = intake.frame();
        if (reason == SkipReason.EXPIRED && intake.request().newerWaiting() > 0
                && video.decodeNanos() > intake.request().intervalNanos()) {
            // Decoding itself cannot keep up with the camera (an access unit takes longer than the camera's frame
            // interval): decoding the backlog only falls further behind. Behind the model instead, decoding the
            // references (a few ms) keeps the camera's next pictures classifiable, and is what happens.
            video.skipToKeyframe(frame.getSequence(), "decoding fell behind the camera: an access unit takes longer to "
                    + "decode than the camera's frame interval");
            return Analysis.skipped(models.primary(), reason);
        }
        long t0 = System.nanoTime();
        VideoSession.Step step = video.take(frame.getSequence(), frame.getPayload(), false);
        return step.reason() != null
                ? Analysis.skipped(models.primary(), SkipReason.NO_PICTURE, step.reason(), System.nanoTime() - t0)
                : Analysis.skipped(models.primary(), reason, null, System.nanoTime() - t0);
    }

    /**
     * Waits (at most {@code framewise.inference.timeout.ms} from submission) for a started frame's answer. Throws
     * {@link InferenceException} when the model failed on the frame or did not answer in time.
     */
    public Analysis finish(Pending pending) {
        if (pending.result != null) {
            return pending.result;
        }
        try {
            long waitNanos = pending.submittedNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs) - System.nanoTime();
            ServedModel.Answer a = pending.answer.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
            return new Analysis(pending.ticket.model(), a.predictions(), pending.decodeNanos, a.preprocessNanos(), a.queueNanos(),
                    a.inferenceNanos(), a.batchSize(), pending.decodedAs, a.shed() ? SkipReason.SHED : null, null);
        } catch (ExecutionException e) {
            throw new InferenceException("inference failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            pending.ticket.close(); // given up on: its hold goes now, not when (if ever) the model answers
            throw new InferenceException("inference did not answer within " + timeoutMs + " ms (framewise.inference.timeout.ms)", e);
        } catch (InterruptedException e) {
            pending.ticket.close();
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while waiting for inference", e);
        }
    }

    /** Gives up on a started frame without its answer (its task was revoked or closed): releases its hold. */
    public void abandon(Pending pending) {
        if (pending.ticket != null) {
            pending.ticket.close();
        }
    }

    /** A frame decided on and, if admitted, submitted; its answer is collected by {@link #finish}. */
    public static final class Pending {
        private final ServedModel.Ticket ticket;
        private final CompletableFuture<ServedModel.Answer> answer;
        private final long decodeNanos;
        private final long submittedNanos;
        private final Analysis result;
        private final String decodedAs;

        private Pending(ServedModel.Ticket ticket, CompletableFuture<ServedModel.Answer> answer,
                        long decodeNanos, long submittedNanos, Analysis result, String decodedAs) {
            this.ticket = ticket;
            this.answer = answer;
            this.decodeNanos = decodeNanos;
            this.submittedNanos = submittedNanos;
            this.result = result;
            this.decodedAs = decodedAs;
        }

        static Pending done(Analysis result) {
            return new Pending(null, null, 0, 0, result, null);
        }

        /** True when {@link #finish} would not wait: decided without inference, or the model has answered. */
        public boolean isDone() {
            return result != null || answer.isDone();
        }
    }

    /**
     * Warms every model up on synthetic camera frames through this analyzer's decoder (see
     * {@link ServedModel#warmUp}). Called before the application joins its group.
     */
    public void warmUp() {
        List<Supplier<DecodedImage>> samples = new ArrayList<>();
        int i = 0;
        for (byte[] jpeg : syntheticFrames(640, 480, 8)) {
            Frame frame = Frame.newBuilder().setCameraId("warm-up").setSequence(i++).setCaptureTimestamp(Instant.now())
                    .setCodec(Codec.JPEG).setWidth(640).setHeight(480).setPayload(ByteBuffer.wrap(jpeg))
                    .setAttributes(Map.of()).build();
            samples.add(() -> decoding.decode(frame));
        }
        models.primary().warmUp(samples, timeoutMs);
        if (models.fallback() != null) {
            models.fallback().warmUp(samples, timeoutMs);
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

    /** The model could not classify this frame; dead-lettered with this message. */
    public static final class InferenceException extends RuntimeException {
        public InferenceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
