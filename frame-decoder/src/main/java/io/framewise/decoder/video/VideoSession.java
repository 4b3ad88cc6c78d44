package io.framewise.decoder.video;

import java.nio.ByteBuffer;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.FrameDecodeException;
import io.framewise.decoder.ImageDecoder;
import io.framewise.schema.Codec;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * One camera's video stream as one task sees it: its decoder (created on the first access unit that needs it) and
 * whether the decoder holds every reference picture the next access unit may need ("synced").
 *
 * <p>The decoder cannot be trusted to notice a lost reference: with one P-frame missing, H.264 decodes wrong pictures
 * for the rest of the group of pictures without an error, and H.265 silently gives none. So the session tracks the
 * camera's access-unit {@code sequence} itself: a gap, an access unit that failed to decode or gave no picture, or a
 * start anywhere but a keyframe leaves the camera unsynced, and every access unit until its next keyframe is
 * answered without decoding, with the reason ({@link Step#reason()}).
 *
 * <p>Not thread-safe: one task's stream thread. Close it to free the decoder's native memory.
 */
public final class VideoSession implements AutoCloseable {

    /** What became of an access unit. */
    public record Step(DecodedImage image, String reason, boolean decoded) {
        static Step picture(DecodedImage image) {
            return new Step(image, null, true);
        }

        static Step skipped(String reason, boolean decoded) {
            return new Step(null, reason, decoded);
        }

        /** True when a picture is ready to classify (the caller closes it). */
        public boolean hasPicture() {
            return image != null;
        }
    }

    private final Codec codec;
    private final long maxPixels;
    private VideoDecoder decoder;
    /** The sequence the next access unit should have; -1 before the first. */
    private long next = -1;
    private boolean synced;
    /** Why the camera is unsynced, for the events of the access units it skips. */
    private String unsynced;
    /** H.265: the highest TemporalId seen; a sub-layer non-reference picture at it is referenced by nothing. */
    private int topTemporalId;
    /** How long decoding one access unit takes, smoothed (ns; 0 before the first). */
    private double decodeNanos;
    /** H.265: decoding (re)started at a CRA, whose RASL pictures reference pictures before it. */
    private boolean startedAtCra;

    public VideoSession(Codec codec, long maxPixels) {
        this(codec, maxPixels, "the decoder started mid-GOP");
    }

    /** @param start why the camera's first access units wait for a keyframe, unless the first is one */
    public VideoSession(Codec codec, long maxPixels, String start) {
        this.codec = codec;
        this.maxPixels = maxPixels;
        this.unsynced = start;
    }

    public Codec codec() {
        return codec;
    }

    /** Whether the camera's decoder exists (it holds native memory). */
    public boolean decoderOpen() {
        return decoder != null;
    }

    /**
     * Takes the camera's next access unit.
     *
     * @param wantPicture whether the access unit is to be classified; when not, no picture is returned, and the access
     *                    unit is still decoded if later access units may reference it, and dropped undecoded otherwise
     * @throws FrameDecodeException when the access unit is malformed, declares a picture over the pixel limit, or the
     *                              decoder refuses it; the camera is then unsynced until its next keyframe
     */
    public Step take(long sequence, ByteBuffer payload, boolean wantPicture) {
        if (next >= 0 && sequence < next) {
            // a duplicate (a publisher's retry) or out of order: decoding it again would corrupt the references
            return Step.skipped("access unit " + sequence + " comes after " + (next - 1)
                    + " in decode order: a repeat, not decoded again", false);
        }
        AccessUnit au;
        try {
            au = AccessUnit.parse(codec, payload);
            ImageDecoder.checkPixels(codec + " sequence parameter set", au.width(), au.height(), maxPixels);
        } catch (FrameDecodeException e) {
            lose("access unit " + sequence + " was malformed");
            throw e;
        }
        boolean continuous = next >= 0 && sequence == next;
        long missingFrom = next;
        next = sequence + 1;
        if (!synced || !continuous) {
            if (synced) {
                unsynced = missingFrom == sequence - 1 ? "access unit " + missingFrom + " is missing"
                        : "access units " + missingFrom + " to " + (sequence - 1) + " are missing";
            }
            synced = false;
            if (!au.keyframe()) {
                return Step.skipped(noReference(), false);
            }
            synced = true;
            startedAtCra = codec == Codec.H265;
        } else if (au.keyframe()) {
            startedAtCra = false; // decoding through a CRA: its leading pictures have their references
        }
        if (au.randomAccessSkipped() && startedAtCra) {
            return Step.skipped("leading picture of the keyframe decoding started at: its references precede the stream "
                    + "this task has seen", false);
        }
        topTemporalId = Math.max(topTemporalId, au.temporalId());
        boolean referenced = au.reference() || au.temporalId() < topTemporalId;
        if (!wantPicture && !referenced) {
            return Step.skipped(null, false); // nothing references it: not decoded at all
        }
        if (decoder == null) {
            decoder = new VideoDecoder(codec, maxPixels);
        }
        AVFrame picture;
        long t0 = System.nanoTime();
        try {
            picture = decoder.decode(payload, sequence);
            long took = System.nanoTime() - t0;
            decodeNanos = decodeNanos == 0 ? took : 0.9 * decodeNanos + 0.1 * took;
        } catch (FrameDecodeException e) {
            lose("access unit " + sequence + " could not be decoded");
            throw e;
        }
        if (picture == null || picture.pts() != sequence) {
            if (picture == null && !au.keyframe() && !startedAtCra) {
                lose("access unit " + sequence + " gave no picture");
                return Step.skipped(noReference(), true);
            }
            return Step.skipped("the decoder held the picture back: the stream has B-frames, whose pictures leave the "
                    + "decoder late (publish without B-frames)", true);
        }
        if (!wantPicture) {
            return Step.skipped(null, true);
        }
        return Step.picture(decoder.toBgr(picture));
    }

    /** How long decoding one of the camera's access units takes, smoothed over the last ten or so (ns; 0 before any). */
    public double decodeNanos() {
        return decodeNanos;
    }

    /**
     * Gives up on the camera's pictures until its next keyframe (decoding has fallen behind, or the access unit will
     * not be decoded for another reason): the access units up to it are answered without decoding.
     */
    public void skipToKeyframe(long sequence, String why) {
        if (next < 0 || sequence >= next) {
            next = sequence + 1;
            lose(why);
        }
    }

    /** The camera's references are gone: the latest cause is the one its next events give. */
    private void lose(String why) {
        unsynced = why;
        synced = false;
    }

    private String noReference() {
        return "no reference picture: waiting for a keyframe (" + unsynced + ")";
    }

    @Override
    public void close() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }
}
