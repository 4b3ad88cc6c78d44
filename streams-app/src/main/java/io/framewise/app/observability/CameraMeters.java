package io.framewise.app.observability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import io.framewise.inference.serving.SkipReason;
import io.framewise.schema.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each camera's health, so that an operator can tell which of 200 cameras went quiet, slowed down or is being skipped:
 * <ul>
 *   <li>{@code framewise_camera_frames_total{camera}}: its frames that reached this instance;</li>
 *   <li>{@code framewise_camera_events_total{camera,status}}: events written for it, by status;</li>
 *   <li>{@code framewise_camera_skips_total{camera,reason}}: its skipped frames by reason (created at the first);</li>
 *   <li>{@code framewise_camera_dead_letters_total{camera,stage}}: its frames dead-lettered on arrival (refused by
 *       Kafka Streams' handler: not a frame, an invalid one) or in flight;</li>
 *   <li>{@code framewise_camera_latency_seconds{camera,quantile}}: capture to event, p50 and p99 over the last
 *       minute or so (with {@code _count}, {@code _sum} and {@code _max});</li>
 *   <li>{@code framewise_camera_input_fps{camera}} against {@code framewise_camera_expected_fps{camera}}: frames in
 *       over the stall window, against its declared or learnt rate ({@link CameraRate});</li>
 *   <li>{@code framewise_camera_stalled{camera}} and {@code framewise_camera_behind{camera}}: 1 while it is below
 *       its rate, because the camera went quiet (nothing waits on its partition) or the pipeline is behind;</li>
 *   <li>{@code framewise_camera_last_seen_age_seconds{camera}}: seconds since its last frame or outcome.</li>
 * </ul>
 * Bounded, whatever publishers send: at most {@code maxCameras} cameras have series of their own, the first ones
 * seen, each until it has had no frame or outcome for {@code idleNanos} (its series are then removed, and a camera
 * that comes back starts again at zero, which Prometheus' rate() reads as a counter reset). Cameras beyond the bound
 * count under {@code camera="_other"}. So an instance exposes at most (maxCameras + 1) x {@value #MAX_SERIES} such
 * series. A camera id longer than {@value #MAX_LABEL} characters is cut, with a hash of the whole id so that two long
 * ids stay apart. Micrometer escapes what a publisher put in an id when it writes the exposition format.
 *
 * <p>The stall detector ({@link #check()}) runs once a second; a camera that stalls or recovers is logged once, not
 * per frame. A task that leaves this instance takes its cameras' rates with it: they are judged again only when seen.
 */
public final class CameraMeters {
    /** Series per camera, at most: frames 1, events 3, skips 6, dead letters 2, latency 5, rates 2, stall 2, age 1. */
    public static final int MAX_SERIES = 22;
    static final String OTHER = "_other";
    static final int MAX_LABEL = 64;
    private static final Logger LOG = LoggerFactory.getLogger(CameraMeters.class);
    private static final long SWEEP_NANOS = 1_000_000_000L;

    private final MeterRegistry registry;
    private final int maxCameras;
    private final long idleNanos;
    private final long stallWindowNanos;
    private final double stallFraction;
    private final LongSupplier nanoTime;
    /** The tracked cameras, by label. */
    private final Map<String, Camera> cameras = new LinkedHashMap<>();
    private final Camera other;
    private Supplier<Map<Integer, Long>> partitionLags = Map::of;
    /** Where a stall or a recovery is reported: the log, one line each. */
    private Consumer<String> report = LOG::warn;
    private long lastSweep;

    /** One camera's meters, registered together and removed together. */
    private final class Camera {
        final String label;
        final Counter frames;
        final Map<Status, Counter> events = new EnumMap<>(Status.class);
        final Map<SkipReason, Counter> skips = new EnumMap<>(SkipReason.class);
        final Counter refused;
        final Counter deadLetters;
        final Timer latency;
        final CameraRate rate;
        final List<Meter> meters = new ArrayList<>();
        volatile long lastSeen;

        Camera(String label, long now) {
            this.label = label;
            lastSeen = now;
            rate = new CameraRate(stallWindowNanos, stallFraction);
            frames = add(Counter.builder("framewise.camera.frames").description("Frames of one camera that reached this instance")
                    .tag("camera", label).register(registry));
            for (Status status : Status.values()) {
                if (status != Status.UNKNOWN) {
                    events.put(status, add(Counter.builder("framewise.camera.events")
                            .description("Events written for one camera, by status").tag("camera", label)
                            .tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry)));
                }
            }
            refused = add(deadLetterCounter(label, "arrival"));
            deadLetters = add(deadLetterCounter(label, "in_flight"));
            latency = add(Timer.builder("framewise.camera.latency")
                    .description("Capture to event of one camera's frames; quantiles over the last minute or so")
                    .tag("camera", label).publishPercentiles(0.5, 0.99).percentilePrecision(1)
                    .distributionStatisticExpiry(Duration.ofMinutes(1)).distributionStatisticBufferLength(2)
                    .register(registry));
            add(Gauge.builder("framewise.camera.input.fps", this, c -> c.rate.inputFps(nanoTime.getAsLong()))
                    .description("Frames of the camera that arrived per second, over the stall window")
                    .tag("camera", label).register(registry));
            add(Gauge.builder("framewise.camera.expected.fps", this, c -> c.rate.expectedFps())
                    .description("The camera's rate: declared by the framewise.camera.fps attribute, else learnt (0 until known)")
                    .tag("camera", label).register(registry));
            add(Gauge.builder("framewise.camera.stalled", this, c -> c.rate.stalled())
                    .description("1 while the camera is below its rate and nothing waits on its partition: it went quiet")
                    .tag("camera", label).register(registry));
            add(Gauge.builder("framewise.camera.behind", this, c -> c.rate.behind())
                    .description("1 while the camera is below its rate because its frames wait on its partition")
                    .tag("camera", label).register(registry));
            add(Gauge.builder("framewise.camera.last.seen.age", this, c -> (nanoTime.getAsLong() - c.lastSeen) / 1e9)
                    .description("Seconds since the camera's last frame or outcome on this instance").baseUnit("seconds")
                    .tag("camera", label).register(registry));
        }

        private Counter deadLetterCounter(String label, String stage) {
            return Counter.builder("framewise.camera.dead.letters")
                    .description("Frames of one camera dead-lettered: refused on arrival, or failed in flight")
                    .tag("camera", label).tag("stage", stage).register(registry);
        }

        private <M extends Meter> M add(M meter) {
            meters.add(meter);
            return meter;
        }

        Counter skip(SkipReason reason) {
            return skips.computeIfAbsent(reason, r -> add(Counter.builder("framewise.camera.skips")
                    .description("Skipped frames of one camera, by reason").tag("camera", label)
                    .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry)));
        }

        void remove() {
            meters.forEach(registry::remove);
        }
    }

    /** With the default stall window (10 s) and fraction (0.5). */
    public CameraMeters(MeterRegistry registry, int maxCameras, long idleNanos, LongSupplier nanoTime) {
        this(registry, maxCameras, idleNanos, 10_000_000_000L, 0.5, nanoTime);
    }

    public CameraMeters(MeterRegistry registry, int maxCameras, long idleNanos, long stallWindowNanos,
                        double stallFraction, LongSupplier nanoTime) {
        this.registry = registry;
        this.maxCameras = maxCameras;
        this.idleNanos = idleNanos;
        this.stallWindowNanos = stallWindowNanos;
        this.stallFraction = stallFraction;
        this.nanoTime = nanoTime;
        this.lastSweep = nanoTime.getAsLong();
        this.other = new Camera(OTHER, lastSweep);
    }

    /**
     * Where the lag of each input partition on this instance comes from (records; a partition not in the map has an
     * unknown lag): the application's consumers.
     */
    public synchronized void partitionLags(Supplier<Map<Integer, Long>> lags) {
        this.partitionLags = lags;
    }

    /**
     * A frame of {@code cameraId} reached this instance from input {@code partition}.
     *
     * @param declaredFps the rate its publisher declared ({@link CameraRate#DECLARED_FPS_ATTRIBUTE}), or null
     */
    public synchronized void arrived(String cameraId, int partition, long captureMicros, String declaredFps) {
        Camera c = camera(cameraId);
        c.frames.increment();
        if (c != other) {
            c.rate.arrived(nanoTime.getAsLong(), captureMicros, partition, CameraRate.declared(declaredFps));
        }
    }

    /** An event was written for {@code cameraId}, {@code totalMs} after the frame's capture. */
    public synchronized void event(String cameraId, Status status, double totalMs) {
        Camera c = camera(cameraId);
        Counter counter = c.events.get(status);
        if (counter != null) {
            counter.increment();
        }
        c.latency.record(Duration.ofNanos((long) (Math.max(0, totalMs) * 1e6)));
    }

    /** A frame of {@code cameraId} was skipped for {@code reason}. */
    public synchronized void skipped(String cameraId, SkipReason reason) {
        camera(cameraId).skip(reason).increment();
    }

    /** A frame of {@code cameraId} was dead-lettered in flight. */
    public synchronized void deadLetter(String cameraId) {
        camera(cameraId).deadLetters.increment();
    }

    /** A record keyed {@code cameraId} was refused on arrival (Kafka Streams' handler dead-lettered it). */
    public synchronized void refused(String cameraId) {
        camera(cameraId).refused.increment();
    }

    /** The task of input {@code partition} left this instance: its cameras are not judged here until seen again. */
    public synchronized void partitionClosed(int partition) {
        for (Camera c : cameras.values()) {
            if (c.rate.partition() == partition) {
                c.rate.reset();
            }
        }
    }

    /** Judges every tracked camera against its rate; logs each camera that stalls or recovers, once. */
    public void check() {
        List<String> lines = new ArrayList<>();
        Supplier<Map<Integer, Long>> source;
        synchronized (this) {
            source = partitionLags;
        }
        // read once per check and outside the lock: the consumers' metrics are many, and stream threads wait on it
        Map<Integer, Long> lags = source.get();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            forgetIdle(now);
            for (Camera c : cameras.values()) {
                int partition = c.rate.partition();
                CameraRate.Change change = c.rate.check(now, lags.getOrDefault(partition, -1L));
                if (change == CameraRate.Change.STALLED) {
                    lines.add(String.format(Locale.ROOT, "camera %s is below its rate: %.1f frames/s in over the last "
                                    + "%.0f s against %.1f expected; input partition %d has %s: %s",
                            Printable.of(c.label), c.rate.inputFps(now), stallWindowNanos / 1e9, c.rate.expectedFps(),
                            partition, c.rate.lag() < 0 ? "an unknown lag" : "lag " + c.rate.lag(),
                            c.rate.stalled() == 1 ? "the camera went quiet (framewise_camera_stalled)"
                                    : "the pipeline is behind (framewise_camera_behind)"));
                } else if (change == CameraRate.Change.RECOVERED) {
                    lines.add(String.format(Locale.ROOT, "camera %s is back at its rate: %.1f frames/s in",
                            Printable.of(c.label), c.rate.inputFps(now)));
                }
            }
        }
        lines.forEach(report);
    }

    /** Reports stalls and recoveries to {@code report} instead of the log (tests). */
    synchronized void reportTo(Consumer<String> report) {
        this.report = report;
    }

    /** How many cameras have series of their own now. */
    public synchronized int tracked() {
        return cameras.size();
    }

    private Camera camera(String cameraId) {
        long now = nanoTime.getAsLong();
        if (now - lastSweep >= SWEEP_NANOS) {
            lastSweep = now;
            forgetIdle(now);
        }
        // keyed by the label, not the id: the table holds at most 64 characters per camera whatever length publishers
        // send, and two ids of one label (cut alike, same hash) share one set of meters rather than remove each other's
        String label = label(cameraId == null ? "" : cameraId);
        Camera c = cameras.get(label);
        if (c == null) {
            if (cameras.size() >= maxCameras) {
                c = other;
            } else {
                c = new Camera(label, now);
                cameras.put(label, c);
            }
        }
        c.lastSeen = now;
        return c;
    }

    private void forgetIdle(long now) {
        for (Iterator<Camera> it = cameras.values().iterator(); it.hasNext(); ) {
            Camera c = it.next();
            if (now - c.lastSeen >= idleNanos) {
                c.remove();
                it.remove();
            }
        }
    }

    /** The id as a label value: cut to {@value #MAX_LABEL} characters, with a hash of the whole id when cut. */
    public static String label(String id) {
        if (id.length() <= MAX_LABEL) {
            return id;
        }
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().toHexDigits((int) crc.getValue());
        return id.substring(0, MAX_LABEL - hash.length() - 1) + "~" + hash;
    }
}
