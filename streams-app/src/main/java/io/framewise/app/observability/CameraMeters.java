package io.framewise.app.observability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;

import io.framewise.schema.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Each camera's outcomes, so that an operator can tell which of 200 cameras went quiet or is being skipped:
 * <ul>
 *   <li>{@code framewise_camera_events_total{camera,status}}: events written for the camera, by status;</li>
 *   <li>{@code framewise_camera_dead_letters_total{camera}}: its frames dead-lettered in flight;</li>
 *   <li>{@code framewise_camera_last_seen_age_seconds{camera}}: seconds since its last outcome.</li>
 * </ul>
 * Bounded, whatever publishers send: at most {@code maxCameras} cameras have series of their own, the first ones
 * seen, each until it has had no outcome for {@code idleNanos} (its series are then removed, and a camera that comes
 * back starts again at zero, which Prometheus' rate() reads as a counter reset). Outcomes of cameras beyond the bound
 * count under {@code camera="_other"}. So an instance exposes at most (maxCameras + 1) x 5 such series. A camera id
 * longer than {@value #MAX_LABEL} characters is cut, with a hash of the whole id so that two long ids stay apart.
 * Micrometer escapes what a publisher put in an id when it writes the exposition format. Idle cameras are looked for
 * at most once a second, on an outcome.
 */
public final class CameraMeters {
    static final String OTHER = "_other";
    static final int MAX_LABEL = 64;
    private static final long SWEEP_NANOS = 1_000_000_000L;

    private final MeterRegistry registry;
    private final int maxCameras;
    private final long idleNanos;
    private final LongSupplier nanoTime;
    /** The tracked cameras, by label. */
    private final Map<String, Camera> cameras = new LinkedHashMap<>();
    private final Camera other;
    private long lastSweep;

    /** One camera's meters, registered together and removed together. */
    private final class Camera {
        final Map<Status, Counter> events = new EnumMap<>(Status.class);
        final Counter deadLetters;
        final List<Meter> meters = new ArrayList<>();
        volatile long lastSeen;

        Camera(String label, long now) {
            lastSeen = now;
            for (Status status : Status.values()) {
                if (status != Status.UNKNOWN) {
                    Counter c = Counter.builder("framewise.camera.events").description("Events written for one camera, by status")
                            .tag("camera", label).tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry);
                    events.put(status, c);
                    meters.add(c);
                }
            }
            deadLetters = Counter.builder("framewise.camera.dead.letters")
                    .description("Frames of one camera dead-lettered after they were admitted").tag("camera", label)
                    .register(registry);
            meters.add(deadLetters);
            meters.add(Gauge.builder("framewise.camera.last.seen.age", this, c -> (nanoTime.getAsLong() - c.lastSeen) / 1e9)
                    .description("Seconds since the camera's last outcome on this instance").baseUnit("seconds")
                    .tag("camera", label).register(registry));
        }

        void remove() {
            meters.forEach(registry::remove);
        }
    }

    public CameraMeters(MeterRegistry registry, int maxCameras, long idleNanos, LongSupplier nanoTime) {
        this.registry = registry;
        this.maxCameras = maxCameras;
        this.idleNanos = idleNanos;
        this.nanoTime = nanoTime;
        this.lastSweep = nanoTime.getAsLong();
        this.other = new Camera(OTHER, lastSweep);
    }

    /** An event was written for {@code cameraId}. */
    public synchronized void event(String cameraId, Status status) {
        Counter c = camera(cameraId).events.get(status);
        if (c != null) {
            c.increment();
        }
    }

    /** A frame of {@code cameraId} was dead-lettered in flight. */
    public synchronized void deadLetter(String cameraId) {
        camera(cameraId).deadLetters.increment();
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
    static String label(String id) {
        if (id.length() <= MAX_LABEL) {
            return id;
        }
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().toHexDigits((int) crc.getValue());
        return id.substring(0, MAX_LABEL - hash.length() - 1) + "~" + hash;
    }
}
