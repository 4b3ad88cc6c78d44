package io.framewise.app.topology;

import java.util.function.LongSupplier;

import io.framewise.app.observability.Printable;
import io.framewise.app.pipeline.CameraTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log line of a dead letter: one WARN line with the reason and where the record came from, at most one per camera
 * every {@value #INTERVAL_SECONDS} s (the next says how many went unlogged meanwhile), the stack trace at DEBUG. A
 * camera sending garbage at 30 fps wrote a 20-line stack trace per frame, twice; the dead letters themselves carry
 * everything. Shared by every task of the process; the per-camera memory is bounded ({@link CameraTable}).
 */
final class DeadLetterLog {
    static final long INTERVAL_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterLog.class);
    private static final DeadLetterLog SHARED = new DeadLetterLog(System::nanoTime);

    /** Per camera: when its last line was written, and how many dead letters went unlogged since. */
    private static final class Said {
        long atNanos;
        long unsaid;
    }

    private final CameraTable<Said> cameras;
    private final LongSupplier nanoTime;

    DeadLetterLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.cameras = new CameraTable<>(CameraTable.MAX_CAMERAS, CameraTable.MAX_IDLE_NANOS, nanoTime);
    }

    static DeadLetterLog shared() {
        return SHARED;
    }

    /**
     * Logs (or counts) one dead letter of {@code camera} (the record's key; null when it had none).
     *
     * @return the line written, or null when it was counted for the camera's next line instead
     */
    synchronized String deadLettered(String camera, String topic, int partition, long offset, Exception e) {
        String key = camera == null ? "" : camera;
        long now = nanoTime.getAsLong();
        Said said = cameras.get(key);
        if (said == null) {
            said = new Said();
            cameras.put(key, said);
        } else if (now - said.atNanos < INTERVAL_SECONDS * 1_000_000_000L) {
            said.unsaid++;
            return null;
        }
        long unsaid = said.unsaid;
        said.atNanos = now;
        said.unsaid = 0;
        String line = "dead-lettered a record of camera " + Printable.of(camera) + " from " + topic + "-" + partition + "@"
                + offset + ": " + e.getClass().getSimpleName() + ": " + Printable.of(e.getMessage(), 300)
                + (unsaid > 0 ? " (and " + unsaid + " more of this camera in the last " + INTERVAL_SECONDS + " s)" : "");
        LOG.warn(line);
        LOG.debug("dead letter's exception", e);
        return line;
    }
}
