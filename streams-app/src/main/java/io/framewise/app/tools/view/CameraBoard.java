package io.framewise.app.tools.view;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

import io.framewise.app.observability.CameraMeters;
import io.framewise.app.observability.Printable;
import io.framewise.schema.Classification;
import io.framewise.schema.Frame;

/**
 * Every camera the view has seen, bounded whatever publishers send: at most {@code maxCameras} tiles (the camera
 * heard from least recently leaves when another arrives), each holding at most {@code maxFrames} frames and
 * {@code maxBytesPerCamera} bytes of them, and {@code historySize} outcomes. Camera ids are cut to 64 characters with
 * a hash, as in the metrics, so a long id costs no more than a short one.
 *
 * <p>Each change bumps a version; a page's stream asks for what changed since the version it last sent, so a slow
 * page costs no queue: it just gets the latest state of more cameras at once.
 */
public final class CameraBoard implements AutoCloseable {
    /** What changed: the tiles (all of them when {@code full}), and the cameras that left. */
    public record Update(long version, boolean full, List<CameraTile.Snapshot> tiles, List<String> removed) {
    }

    /** A picture of a camera's frame, or why there is none. */
    public record Picture(byte[] bytes, String contentType, String missing) {
    }

    private record Removal(String id, long version) {
    }

    private static final int KEPT_REMOVALS = 1024;

    private final int maxCameras;
    private final int maxFrames;
    private final long maxBytesPerCamera;
    private final int historySize;
    private final long maxPixels;
    private final LongSupplier clock;
    /** In order of the last change, oldest first: the eldest leaves when the board is full. */
    private final LinkedHashMap<String, CameraTile> tiles = new LinkedHashMap<>();
    private final ArrayDeque<Removal> removals = new ArrayDeque<>();
    private long version;
    /** The version of the latest removal no longer kept: a page behind it gets everything again. */
    private long forgottenThrough;
    private long unreadable;

    public CameraBoard(int maxCameras, int maxFrames, long maxBytesPerCamera, int historySize, long maxPixels,
                       LongSupplier clock) {
        this.maxCameras = maxCameras;
        this.maxFrames = maxFrames;
        this.maxBytesPerCamera = maxBytesPerCamera;
        this.historySize = historySize;
        this.maxPixels = maxPixels;
        this.clock = clock;
    }

    public synchronized void frame(Frame f) {
        byte[] payload = new byte[f.getPayload().remaining()];
        f.getPayload().duplicate().get(payload);
        tile(f.getCameraId()).frame(f, payload, clock.getAsLong());
        changed();
    }

    public synchronized void event(Classification c) {
        tile(c.getCameraId()).event(c, clock.getAsLong());
        changed();
    }

    /** A dead letter of {@code camera} (the record key); {@code sequence} -1 when its frame could not be read. */
    public synchronized void deadLetter(String camera, long sequence, String reason) {
        tile(camera == null ? "(no key)" : camera).deadLetter(sequence, reason, clock.getAsLong());
        changed();
    }

    /** A record that is not what its topic holds (not a frame, not an event): counted, shown in the page's header. */
    public synchronized void unreadable() {
        unreadable++;
        changed();
    }

    public synchronized long unreadableRecords() {
        return unreadable;
    }

    private CameraTile tile(String camera) {
        String id = CameraMeters.label(camera);
        CameraTile t = tiles.remove(id);
        if (t == null) {
            t = new CameraTile(id, maxFrames, maxBytesPerCamera, historySize, maxPixels);
            if (tiles.size() >= maxCameras) {
                Iterator<CameraTile> eldest = tiles.values().iterator();
                CameraTile gone = eldest.next();
                eldest.remove();
                gone.renderer.close();
                removals.addLast(new Removal(gone.id, version + 1));
                while (removals.size() > KEPT_REMOVALS) {
                    forgottenThrough = removals.removeFirst().version();
                }
            }
        }
        tiles.put(id, t); // last in the order: the most recently heard from
        t.version = version + 1;
        return t;
    }

    private void changed() {
        version++;
        notifyAll();
    }

    /** Waits up to {@code timeoutMillis} for a version after {@code since}; the current version. */
    public synchronized long awaitChange(long since, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (version <= since) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return version;
    }

    /** What changed after version {@code since}; everything when {@code since} is 0 or older than what is kept. */
    public synchronized Update changesSince(long since) {
        boolean full = since <= 0 || since < forgottenThrough;
        long now = clock.getAsLong();
        List<CameraTile.Snapshot> changed = new ArrayList<>();
        for (CameraTile t : tiles.values()) {
            if (full || t.version > since) {
                changed.add(t.snapshot(Printable.of(t.id), now));
            }
        }
        List<String> removed = new ArrayList<>();
        if (!full) {
            for (Removal r : removals) {
                if (r.version() > since) {
                    removed.add(r.id());
                }
            }
        }
        return new Update(version, full, changed, removed);
    }

    /** The camera's last outcomes, oldest first; empty for a camera the board does not have. */
    public synchronized List<CameraTile.Outcome> history(String camera) {
        CameraTile t = tiles.get(camera);
        return t == null ? List.of() : t.history();
    }

    /**
     * The picture of frame {@code sequence} of {@code camera} (an id as the board gives it). Decoding, where needed,
     * happens outside the board's lock, so the feed never waits for it.
     */
    public Picture picture(String camera, long sequence) {
        CameraTile t;
        List<HeldFrames.Held> units;
        synchronized (this) {
            t = tiles.get(camera);
            if (t == null) {
                return new Picture(null, null, "no such camera in the view");
            }
            units = t.held.toShow(sequence);
        }
        FrameRenderer.Picture p = t.renderer.render(units, sequence);
        return new Picture(p.bytes(), p.contentType(), p.missing());
    }

    public synchronized int cameras() {
        return tiles.size();
    }

    /** Bytes of frames held, all cameras together (at most cameras x maxBytesPerCamera). */
    public synchronized long heldBytes() {
        long sum = 0;
        for (CameraTile t : tiles.values()) {
            sum += t.held.bytes();
        }
        return sum;
    }

    @Override
    public synchronized void close() {
        tiles.values().forEach(t -> t.renderer.close());
        tiles.clear();
    }
}
