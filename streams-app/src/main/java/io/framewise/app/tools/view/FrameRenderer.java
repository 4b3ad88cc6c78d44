package io.framewise.app.tools.view;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.FrameDecodeException;
import io.framewise.decoder.ImageDecoder;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.video.VideoSession;
import io.framewise.schema.Codec;

/**
 * Turns one camera's held frames into a picture a browser shows. JPEG and PNG go to the browser as published (it
 * decodes them; the view decodes nothing it does not show). Raw pixels are encoded as JPEG. H.264/H.265 are decoded
 * from the keyframe: the camera's decoder is kept between requests and fed only the access units after the last one
 * it decoded, so following a live camera decodes each access unit once; a request further back starts again at its
 * keyframe. The last few pictures made are kept, so a history strip does not decode again.
 *
 * <p>One per camera; its methods hold its own lock (not the board's), so decoding never stalls the feed. Close it to
 * free the decoder's native memory.
 */
final class FrameRenderer implements AutoCloseable {
    /** A picture to send, or why there is none. */
    record Picture(byte[] bytes, String contentType, String missing) {
        static Picture none(String why) {
            return new Picture(null, null, why);
        }
    }

    private static final int KEPT_PICTURES = 16;
    private static final ImageEncoder JPEG = new ImageEncoder(Codec.JPEG, 85);

    private final long maxPixels;
    private final ImageDecoder images;
    private final Map<Long, Picture> made = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Picture> eldest) {
            return size() > KEPT_PICTURES;
        }
    };
    private VideoSession session;
    /** The keyframe the session started at, and the last access unit it took; -1 without a session. */
    private long sessionKeyframe = -1;
    private long decodedThrough = -1;
    private boolean closed;

    FrameRenderer(long maxPixels) {
        this.maxPixels = maxPixels;
        this.images = new ImageDecoder(maxPixels);
    }

    /** @param units what {@link HeldFrames#toShow} gave for {@code sequence} */
    synchronized Picture render(List<HeldFrames.Held> units, long sequence) {
        if (closed) {
            return Picture.none("the camera left the view");
        }
        if (units.isEmpty()) {
            return Picture.none("frame " + sequence + " is no longer held by the view");
        }
        HeldFrames.Held last = units.get(units.size() - 1);
        if (!last.video()) {
            return still(last);
        }
        Picture kept = made.get(sequence);
        if (kept != null) {
            return kept;
        }
        Picture p = video(units, sequence);
        if (p.bytes() != null) {
            made.put(sequence, p);
        }
        return p;
    }

    private Picture still(HeldFrames.Held frame) {
        switch (frame.codec()) {
            case JPEG:
                return new Picture(frame.payload(), "image/jpeg", null);
            case PNG:
                return new Picture(frame.payload(), "image/png", null);
            default:
                break;
        }
        Picture kept = made.get(frame.sequence());
        if (kept != null) {
            return kept;
        }
        try (DecodedImage image = images.decode(frame.codec(), ByteBuffer.wrap(frame.payload()),
                frame.width(), frame.height())) {
            Picture p = new Picture(JPEG.encode(image.bgr()), "image/jpeg", null);
            made.put(frame.sequence(), p);
            return p;
        } catch (FrameDecodeException e) {
            return Picture.none("frame " + frame.sequence() + " does not decode: " + e.getMessage());
        }
    }

    private Picture video(List<HeldFrames.Held> units, long sequence) {
        long keyframe = units.get(0).sequence();
        if (session == null || sessionKeyframe != keyframe || decodedThrough >= sequence
                || session.codec() != units.get(0).codec()) {
            closeSession();
            session = new VideoSession(units.get(0).codec(), maxPixels, "the view has no keyframe before it");
            sessionKeyframe = keyframe;
        }
        try {
            for (HeldFrames.Held au : units) {
                if (au.sequence() <= decodedThrough) {
                    continue;
                }
                boolean wanted = au.sequence() == sequence;
                VideoSession.Step step = session.take(au.sequence(), ByteBuffer.wrap(au.payload()), wanted);
                decodedThrough = au.sequence();
                if (wanted) {
                    if (!step.hasPicture()) {
                        return Picture.none(step.reason() != null ? step.reason() : "the decoder gave no picture");
                    }
                    try (DecodedImage image = step.image()) {
                        return new Picture(JPEG.encode(image.bgr()), "image/jpeg", null);
                    }
                }
            }
        } catch (FrameDecodeException e) {
            closeSession();
            return Picture.none("access unit does not decode: " + e.getMessage());
        }
        return Picture.none("frame " + sequence + " is no longer held by the view");
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
        sessionKeyframe = -1;
        decodedThrough = -1;
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeSession();
        made.clear();
    }
}
