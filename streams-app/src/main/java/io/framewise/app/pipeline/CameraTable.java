package io.framewise.app.pipeline;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
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
    /** Given each value the table lets go of (native resources are closed by it). */
    private final Consumer<V> onForget;

    public CameraTable() {
        this(MAX_CAMERAS, MAX_IDLE_NANOS, System::nanoTime);
    }

    /** With its own bounds and clock (tests). */
    public CameraTable(int maxCameras, long maxIdleNanos, LongSupplier nanoTime) {
        this(maxCameras, maxIdleNanos, nanoTime, v -> { });
    }

    /** @param onForget given each value the table lets go of: idle, beyond the bound, replaced, removed or cleared */
    public CameraTable(int maxCameras, long maxIdleNanos, LongSupplier nanoTime, Consumer<V> onForget) {
        this.maxCameras = maxCameras;
        this.maxIdleNanos = maxIdleNanos;
        this.nanoTime = nanoTime;
        this.onForget = onForget;
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
        Slot<V> replaced = slots.put(camera, new Slot<>(value, now));
        if (replaced != null && replaced.value != value) {
            onForget.accept(replaced.value);
        }
        if (slots.size() > maxCameras) {
            Iterator<Map.Entry<String, Slot<V>>> eldest = slots.entrySet().iterator();
            onForget.accept(eldest.next().getValue().value);
            eldest.remove();
        }
    }

    /** Lets go of the camera's state. */
    public void remove(String camera) {
        Slot<V> slot = slots.remove(camera);
        if (slot != null) {
            onForget.accept(slot.value);
        }
    }

    /** Lets go of the state of the cameras idle for longer than the table keeps them, without waiting for a frame. */
    public void forgetIdle() {
        forgetIdle(nanoTime.getAsLong());
    }

    /** Lets go of every camera's state. */
    public void clear() {
        for (Slot<V> slot : slots.values()) {
            onForget.accept(slot.value);
        }
        slots.clear();
    }

    public int size() {
        return slots.size();
    }

    /** The least recently seen cameras first: stops at the first one seen within the idle time. */
    private void forgetIdle(long now) {
        Iterator<Map.Entry<String, Slot<V>>> it = slots.entrySet().iterator();
        while (it.hasNext()) {
            Slot<V> slot = it.next().getValue();
            if (now - slot.seenNanos <= maxIdleNanos) {
                return;
            }
            it.remove();
            onForget.accept(slot.value);
        }
    }
}
