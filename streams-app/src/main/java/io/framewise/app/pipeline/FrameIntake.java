package io.framewise.app.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.Printable;
import io.framewise.decoder.video.VideoSession;
import io.framewise.inference.serving.Admission;
import io.framewise.inference.serving.BudgetPolicy;
import io.framewise.schema.CameraIds;
import io.framewise.schema.Frame;
import io.framewise.schema.FrameAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-frame rules of one task, before any work is spent on a frame: whether it is a usable frame at all (a bad
 * one throws {@link InvalidFrameException}, and is dead-lettered), its budget (its own attribute or the
 * deployment's), its deadline less the delivery reserve, whether it is sampled out (its camera's max fps) or
 * behind newer frames of its camera (its cadence), and the policy that applies. Holds each camera's state for those rules
 * (bounded, {@link CameraTable}), and the task's H.264/H.265 decoders ({@link VideoStreams}): close it with the task.
 *
 * <p>Knows no Kafka and no model: tested with a made-up clock. Not thread-safe: one per task (a camera's frames all
 * reach one task, in order).
 */
public final class FrameIntake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameIntake.class);
    public static final String BUDGET_ATTRIBUTE = FramewiseConfig.LATENCY_BUDGET_MS_CONFIG;
    public static final String MAX_FPS_ATTRIBUTE = FramewiseConfig.CAMERA_MAX_FPS_CONFIG;
    /** A replayed frame is classified whatever its lateness: a deadline a day away. */
    private static final long REPLAY_DEADLINE_NANOS = TimeUnit.DAYS.toNanos(1);

    private final FramewiseConfig config;
    /** The deployment's settings this class reads on every frame, read once (a setting lookup and parse is not free). */
    private final long defaultBudgetMs;
    private final double defaultMaxFps;
    private final long futureToleranceMs;
    private final BudgetPolicy policy;
    private final Clock clock;
    private final LongSupplier nanoTime;
    /** Capture time (µs) of each camera's last classified frame. */
    private final CameraTable<Long> lastClassified = new CameraTable<>();
    /** Each camera's frame interval: how many newer frames wait behind a frame taken late. */
    private final CameraCadence cadence = new CameraCadence();
    /** The task's video cameras and their decoders. */
    private final VideoStreams video;
    /** Camera and attribute pairs already reported as unusable. */
    private final CameraTable<Set<String>> warned = new CameraTable<>();

    /**
     * @param clock    "now" for lateness (tests control it)
     * @param nanoTime the monotonic clock durations and deadlines are measured on ({@code System::nanoTime})
     */
    public FrameIntake(FramewiseConfig config, Clock clock, LongSupplier nanoTime) {
        this.config = config;
        this.defaultBudgetMs = config.latencyBudgetMs();
        this.defaultMaxFps = config.cameraMaxFps();
        this.futureToleranceMs = config.futureToleranceMs();
        this.policy = config.budgetPolicy();
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.video = new VideoStreams(config.maxPixels(), config.videoDecoderIdleMs(), config.videoMaxDecoders(), nanoTime);
    }

    /**
     * Applies the rules to a frame taken now.
     *
     * @param answeredBefore whether a usable frame was answered before a failure (at_least_once): such a frame is
     *                       judged from the frame, not from the lateness the failure gave it, so that its second event
     *                       agrees with the first
     * @throws InvalidFrameException when it is not a usable frame
     */
    public Intake take(Frame frame, String key, Predicate<Frame> answeredBefore) {
        Instant start = clock.instant();
        long startNanos = nanoTime.getAsLong();
        check(frame, key, start);
        boolean replay = answeredBefore.test(frame);
        long budgetMs = budgetMs(frame);
        double queueingMs = Math.max(0, Duration.between(frame.getCaptureTimestamp(), start).toNanos() / 1e6);
        Admission.Request request;
        if (replay) {
            request = new Admission.Request(startNanos + REPLAY_DEADLINE_NANOS, false, BudgetPolicy.BEST_EFFORT);
        } else {
            long remainingNanos = Duration.between(start, frame.getCaptureTimestamp().plusMillis(budgetMs)).toNanos();
            // the processing deadline leaves the event time to reach its consumers
            long deadlineNanos = startNanos + remainingNanos - config.deliveryReserveMs(budgetMs) * 1_000_000L;
            boolean sampled = sampledOut(frame);
            long interval = 0;
            int newer = 0;
            if (!sampled) {
                interval = cadence.observe(frame.getCameraId(), micros(frame.getCaptureTimestamp()) * 1_000L);
                newer = CameraCadence.newerWaiting((long) (queueingMs * 1e6), interval);
            }
            request = new Admission.Request(deadlineNanos, sampled, newer, interval, policy);
        }
        return new Intake(frame, budgetMs, start, startNanos, queueingMs, request, replay,
                video.session(frame.getCameraId(), frame.getCodec()));
    }

    /**
     * Takes an access unit its camera's previous owner already answered into the camera's decoder, without an
     * outcome: a task's new owner brings the camera to where it was ({@code framewise.video.resume=replay}).
     */
    public void replay(Frame frame) {
        VideoSession session = video.session(frame.getCameraId(), frame.getCodec());
        if (session == null) {
            return;
        }
        try {
            session.take(frame.getSequence(), frame.getPayload(), false);
        } catch (RuntimeException e) {
            // it failed for its first owner too (and was dead-lettered); the camera waits for its next keyframe
            LOG.debug("replaying access unit {} of camera {} failed: {}", frame.getSequence(), Printable.of(frame.getCameraId()),
                    e.toString());
        }
    }

    /** Closes the decoders of video cameras that have gone idle. */
    public void forgetIdle() {
        video.forgetIdle();
    }

    /** Closes every camera's decoder (the task's processor is closing). */
    @Override
    public void close() {
        video.close();
    }

    /** The frame was classified: its camera's next frames are sampled from its capture time. */
    public void classified(Frame frame) {
        lastClassified.put(frame.getCameraId(), micros(frame.getCaptureTimestamp()));
    }

    private void check(Frame frame, String key, Instant now) {
        if (frame == null) {
            throw new InvalidFrameException("null value (tombstone) for key " + key + ": no frame to classify");
        }
        if (frame.getCameraId() == null || frame.getCameraId().isBlank()) {
            throw new InvalidFrameException("frame has an empty cameraId");
        }
        String badId = CameraIds.problem(frame.getCameraId());
        if (badId != null) {
            // before anything is kept for the camera: its state, its meters and its log lines are keyed by the id
            throw new InvalidFrameException("camera id " + Printable.of(frame.getCameraId(), 64) + " " + badId);
        }
        String badAttributes = FrameAttributes.problem(frame.getAttributes());
        if (badAttributes != null) {
            throw new InvalidFrameException("frame has " + badAttributes);
        }
        Instant captured = frame.getCaptureTimestamp();
        if (captured.isBefore(Instant.EPOCH)) {
            throw new InvalidFrameException("capture timestamp " + captured + " is before 1970: not a real capture time");
        }
        if (captured.isAfter(now.plusMillis(futureToleranceMs))) {
            throw new InvalidFrameException("capture timestamp " + captured + " is " + Duration.between(now, captured).toMillis()
                    + " ms in the future (tolerance " + futureToleranceMs + " ms, framewise.capture.future.tolerance.ms): "
                    + "check the camera's clock");
        }
    }

    /** True when the camera's last classified frame is closer than 1/max.fps (capture time) to this one. */
    private boolean sampledOut(Frame frame) {
        double maxFps = positiveAttribute(frame, MAX_FPS_ATTRIBUTE, defaultMaxFps);
        if (maxFps <= 0) {
            return false;
        }
        Long last = lastClassified.get(frame.getCameraId());
        if (last == null) {
            return false;
        }
        long interval = (long) (1_000_000 / maxFps);
        return micros(frame.getCaptureTimestamp()) - last < interval;
    }

    /** A capture time in microseconds since the epoch, as the schema carries it. */
    public static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    /** The frame's latency budget in whole milliseconds: its own attribute, rounded, or the deployment's. */
    private long budgetMs(Frame frame) {
        double own = positiveAttribute(frame, BUDGET_ATTRIBUTE, Double.NaN);
        if (Double.isNaN(own)) {
            return defaultBudgetMs;
        }
        long rounded = Math.round(own);
        if (rounded < 1) {
            warnOnce(frame, BUDGET_ATTRIBUTE, "rounds to 0 ms");
            return defaultBudgetMs;
        }
        // within the setting's own range: 1e308 rounded to Long.MAX_VALUE overflowed the deadline and dead-lettered
        // every frame of the camera
        String invalid = FramewiseConfig.invalidReason(BUDGET_ATTRIBUTE, rounded);
        if (invalid != null) {
            warnOnce(frame, BUDGET_ATTRIBUTE, invalid);
            return defaultBudgetMs;
        }
        return rounded;
    }

    /**
     * A frame's own positive numeric attribute within its setting's range, or {@code fallback}. An unusable
     * attribute does not fail the frame: the deployment's setting applies, and the camera's first such frame is
     * logged.
     */
    private double positiveAttribute(Frame frame, String name, double fallback) {
        String value = frame.getAttributes().get(name);
        if (value == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(value.trim());
            if (v > 0 && Double.isFinite(v)) {
                if (name.equals(BUDGET_ATTRIBUTE)) {
                    return v; // checked once rounded, by budgetMs
                }
                String invalid = FramewiseConfig.invalidReason(name, v);
                if (invalid == null) {
                    return v;
                }
                warnOnce(frame, name, invalid);
                return fallback;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        warnOnce(frame, name, "is not a positive number");
        return fallback;
    }

    private void warnOnce(Frame frame, String attribute, String problem) {
        Set<String> attributes = warned.get(frame.getCameraId());
        if (attributes == null) {
            attributes = new HashSet<>(2);
            warned.put(frame.getCameraId(), attributes);
        }
        if (attributes.add(attribute)) {
            LOG.warn("camera {}: attribute {}={} {}; using the deployment's setting for its frames (said once per camera)",
                    Printable.of(frame.getCameraId()), attribute, Printable.of(frame.getAttributes().get(attribute)), problem);
        }
    }
}
