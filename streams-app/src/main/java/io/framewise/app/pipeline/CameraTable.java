package io.framewise.app.pipeline;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-camera state of one task, bounded: at most {@link #MAX_CAMERAS} cameras, and none kept once idle for
 * {@link #MAX_IDLE_NANOS}. Camera ids come from publishers, and there may be any number of them: state kept for every
 * id ever seen grew by the megabyte (3,000 frames with distinct ids added 58 MB, never freed). The least recently seen
 * camera goes first; a camera that comes back starts afresh (its cadence relearnt, its sampling restarted), which
 * costs one frame's worth of accuracy, not a frame. Not thread-safe: one per task.
 *
 * @param <V> what is kept per camera
 */
public final class CameraTable<V> {
    /** Far more cameras than one task (one partition of the frames topic) serves in practice. */
    public static final int MAX_CAMERAS = 4_096;
    /** A camera silent for ten minutes is forgotten. */
    public static final long MAX_IDLE_NANOS = 600_000_000_000L;

    /** A camera's state and when it was last seen; the map's access order keeps the least recently seen first. */
    private static final class Slot<V> {
        final V value;
        long seenNanos;

        Slot(V value, long seenNanos) {
            this.value = value;
            this.seenNanos = seenNanos;
        }
    }

    private final LinkedHashMap<String, Slot<V>> slots = new LinkedHashMap<>(16, 0.75f, true);
    private final int maxCameras;
    private final long maxIdleNanos;
    private final LongSupplier nanoTime;

    public CameraTable() {
        this(MAX_CAMERAS, MAX_IDLE_NANOS, System::nanoTime);
    }

    /** With its own bounds and clock (tests). */
    public CameraTable(int maxCameras, long maxIdleNanos, LongSupplier nanoTime) {
        this.maxCameras = maxCameras;
        this.maxIdleNanos = maxIdleNanos;
        this.nanoTime = nanoTime;
    }

    /** The camera's state, or null; seeing it makes it the most recent. */
    public V get(String camera) {
        long now = nanoTime.getAsLong();
        forgetIdle(now);
        Slot<V> slot = slots.get(camera); // in access order: this moves it to the most recent end
        if (slot == null) {
            return null;
        }
        slot.seenNanos = now;
        return slot.value;
    }

    /** Keeps {@code value} for the camera, forgetting the least recently seen camera beyond the bound. */
    public void put(String camera, V value) {
        long now = nanoTime.getAsLong();
        forgetIdle(now);
        slots.put(camera, new Slot<>(value, now));
        if (slots.size() > maxCameras) {
            Iterator<Map.Entry<String, Slot<V>>> eldest = slots.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    public int size() {
        return slots.size();
    }

    /** The least recently seen cameras first: stops at the first one seen within the idle time. */
    private void forgetIdle(long now) {
        Iterator<Map.Entry<String, Slot<V>>> it = slots.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue().seenNanos <= maxIdleNanos) {
                return;
            }
            it.remove();
        }
    }
}
