package io.framewise.app.tools.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;

/**
 * What "every frame accounted for" means, per frame: each frame the broker acknowledged is matched, by camera and
 * sequence, to exactly one outcome — an event, or a dead letter (matched by the frame in its original value). A
 * frame with no outcome is missing; a second outcome for a frame is a duplicate; an outcome for no published frame
 * (or a dead letter whose value is not a frame) is unmatched. Thread-safe: the publisher's callbacks and the reader
 * record into it concurrently; the counts the waiting loops read are kept as they go, not recounted.
 */
public final class FrameLedger {
    /** One frame: acknowledged by the broker or not (yet), and how many outcomes it has. */
    private record Entry(boolean published, int outcomes) {
    }

    private final ConcurrentHashMap<String, Entry> frames = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong accounted = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong notFrames = new AtomicLong();

    /** The key a frame is matched by. */
    public static String key(String camera, long sequence) {
        return camera + "#" + sequence;
    }

    /** The broker acknowledged this frame. */
    public void published(String camera, long sequence) {
        frames.compute(key(camera, sequence), (k, e) -> {
            if (e != null && e.published()) {
                return e;
            }
            published.incrementAndGet();
            if (e != null && e.outcomes() > 0) {
                accounted.incrementAndGet(); // its outcome overtook the acknowledgement
            }
            return new Entry(true, e == null ? 0 : e.outcomes());
        });
    }

    /** An outcome arrived. */
    public void outcome(Outcome o) {
        String key;
        if (o.isEvent()) {
            key = key(o.event().getCameraId(), o.event().getSequence());
        } else {
            Frame f;
            try {
                f = FramewiseSerdes.frame().decode(o.deadLetter().value());
            } catch (RuntimeException notAFrame) {
                notFrames.incrementAndGet();
                return;
            }
            key = key(f.getCameraId(), f.getSequence());
        }
        frames.compute(key, (k, e) -> {
            int before = e == null ? 0 : e.outcomes();
            if (before > 0) {
                duplicates.incrementAndGet();
            } else if (e != null && e.published()) {
                accounted.incrementAndGet();
            }
            return new Entry(e != null && e.published(), before + 1);
        });
    }

    public long published() {
        return published.get();
    }

    /** Published frames with at least one outcome. */
    public long accounted() {
        return accounted.get();
    }

    public long missing() {
        return published() - accounted();
    }

    /** Outcomes beyond the first, over all frames. */
    public long duplicates() {
        return duplicates.get();
    }

    /** How many outcomes this frame has had so far. */
    public int outcomes(String key) {
        Entry e = frames.get(key);
        return e == null ? 0 : e.outcomes();
    }

    /** Outcomes that match no published frame. */
    public long unmatched() {
        return notFrames.get() + frames.values().stream().filter(e -> !e.published()).mapToLong(Entry::outcomes).sum();
    }

    /** Every acknowledged frame has exactly one outcome and every outcome belongs to one. */
    public boolean complete() {
        return missing() == 0 && duplicates() == 0 && unmatched() == 0;
    }

    /** "every frame accounted for", or what is wrong. */
    public String verdict() {
        return complete() ? "every frame accounted for"
                : "NOT every frame accounted for: " + missing() + " missing, " + duplicates() + " duplicated, "
                  + unmatched() + " unmatched";
    }
}
