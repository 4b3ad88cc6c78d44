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
 * record into it concurrently.
 */
public final class FrameLedger {
    private final ConcurrentHashMap<String, Boolean> published = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong unmatched = new AtomicLong();

    private static String key(String camera, long sequence) {
        return camera + "#" + sequence;
    }

    /** The broker acknowledged this frame. */
    public void published(String camera, long sequence) {
        published.put(key(camera, sequence), Boolean.TRUE);
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
                unmatched.incrementAndGet();
                return;
            }
            key = key(f.getCameraId(), f.getSequence());
        }
        outcomes.merge(key, 1, Integer::sum);
    }

    public long published() {
        return published.size();
    }

    /** Published frames with at least one outcome. */
    public long accounted() {
        return published.keySet().stream().filter(outcomes::containsKey).count();
    }

    public long missing() {
        return published() - accounted();
    }

    /** Outcomes beyond the first, over all frames. */
    public long duplicates() {
        return outcomes.values().stream().mapToLong(c -> c - 1).sum();
    }

    /** Outcomes that match no published frame. */
    public long unmatched() {
        return unmatched.get() + outcomes.keySet().stream().filter(k -> !published.containsKey(k)).count();
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
