package io.framewise.app.tools.view;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.framewise.schema.Codec;

/**
 * The frames of one camera that its tile can still show, bounded by count and by bytes. Events trail their frames
 * (by the pipeline's latency, or more when it is behind), so a tile keeps the camera's recent frames and shows the one
 * an event answers when the event arrives. For H.264/H.265 a picture needs every access unit since its keyframe, so
 * whole groups of pictures are held: the oldest are dropped up to the next keyframe, and a group larger than the
 * bound is not held at all (the tile then says so until the next keyframe). Guarded by the board's lock.
 */
final class HeldFrames {
    /** One frame as published; the payload is never changed after it is held. */
    record Held(long sequence, Codec codec, Integer width, Integer height, boolean keyframe, byte[] payload) {
        boolean video() {
            return codec == Codec.H264 || codec == Codec.H265;
        }
    }

    private final ArrayDeque<Held> frames = new ArrayDeque<>();
    private final int maxFrames;
    private final long maxBytes;
    private long bytes;

    HeldFrames(int maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /** Holds a frame, dropping the oldest beyond the bounds. */
    void add(Held frame) {
        Held last = frames.peekLast();
        if (last != null && (frame.sequence() <= last.sequence() || frame.codec() != last.codec())) {
            clear(); // the camera restarted (its sequence went back) or changed codec: the old frames are another stream
        }
        if (frame.payload().length > maxBytes) {
            clear(); // larger than a camera may hold; for video the pictures after it lose their reference too
            return;
        }
        frames.addLast(frame);
        bytes += frame.payload().length;
        while (frames.size() > maxFrames || bytes > maxBytes) {
            removeFirst();
        }
        if (frame.video()) {
            while (!frames.isEmpty() && !frames.peekFirst().keyframe()) {
                removeFirst(); // access units without their keyframe cannot be decoded
            }
        }
    }

    /**
     * What showing frame {@code sequence} takes: for an image, that frame; for video, the access units from the last
     * keyframe at or before it up to it, without a gap. Empty when the view no longer (or never) held them.
     */
    List<Held> toShow(long sequence) {
        List<Held> run = new ArrayList<>();
        Iterator<Held> it = frames.iterator();
        while (it.hasNext()) {
            Held h = it.next();
            if (h.sequence() > sequence) {
                break;
            }
            if (!h.video()) {
                if (h.sequence() == sequence) {
                    return List.of(h);
                }
                continue;
            }
            if (h.keyframe()) {
                run.clear();
            } else if (run.isEmpty() || h.sequence() != run.get(run.size() - 1).sequence() + 1) {
                run.clear(); // a gap: the pictures after it lack a reference until the next keyframe
                continue;
            }
            run.add(h);
            if (h.sequence() == sequence) {
                return run;
            }
        }
        return List.of();
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return frames.size();
    }

    private void removeFirst() {
        bytes -= frames.removeFirst().payload().length;
    }

    private void clear() {
        frames.clear();
        bytes = 0;
    }
}
