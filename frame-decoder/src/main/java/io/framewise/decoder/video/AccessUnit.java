package io.framewise.decoder.video;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.framewise.decoder.FrameDecodeException;
import io.framewise.decoder.FrameDecodeException.Reason;
import io.framewise.schema.Codec;

/**
 * What an Annex-B access unit of H.264 or H.265 holds, read from its NAL unit headers without decoding it: whether it
 * is a keyframe (a random-access picture the decoder can start at), whether later pictures may reference it, and the
 * picture size its sequence parameter set declares, so that {@code framewise.decode.max.pixels} applies before the
 * decoder allocates anything. Only headers are read; the payload is not copied, except a parameter set's first
 * {@value #MAX_PARAMETER_SET_BYTES} bytes.
 *
 * @param keyframe          H.264: an IDR slice; H.265: an IRAP picture (IDR, CRA or BLA)
 * @param reference         false when no later picture can reference it (H.264 {@code nal_ref_idc} 0; H.265 a
 *                          sub-layer non-reference picture), so that it can be dropped without decoding
 * @param randomAccessSkipped H.265 RASL: a leading picture that references pictures before its CRA, undecodable
 *                          when decoding started at that CRA
 * @param temporalId        H.265 TemporalId of its slices (0 for H.264)
 * @param width             the width its SPS declares, or 0 when it carries none
 * @param height            the height its SPS declares, or 0
 */
public record AccessUnit(Codec codec, boolean keyframe, boolean reference, boolean randomAccessSkipped, int temporalId,
                         int slices, long width, long height) {
    /** Enough for every field up to the picture size, even with H.264 scaling matrices. */
    static final int MAX_PARAMETER_SET_BYTES = 2048;

    /**
     * Reads an access unit's NAL units.
     *
     * @throws FrameDecodeException when the payload is not an Annex-B access unit with at least one picture slice
     */
    public static AccessUnit parse(Codec codec, ByteBuffer payload) {
        boolean hevc = switch (codec) {
            case H264 -> false;
            case H265 -> true;
            default -> throw new IllegalArgumentException("not a video codec: " + codec);
        };
        ByteBuffer b = payload.duplicate();
        int end = b.limit();
        int first = nextStartCode(b, b.position(), end);
        if (first != b.position()) {
            throw new FrameDecodeException(Reason.CORRUPT, codec + " payload does not start with an Annex-B start code "
                    + "(00 00 01): length-prefixed (MP4/MKV) access units must be converted to Annex-B by the publisher");
        }
        boolean keyframe = false;
        boolean reference = false;
        boolean rasl = false;
        int temporalId = 0;
        int slices = 0;
        long width = 0;
        long height = 0;
        int at = first;
        while (at >= 0 && at < end) {
            int nal = skipStartCode(b, at, end);
            int next = nextStartCode(b, nal, end);
            int nalEnd = next < 0 ? end : next;
            if (nal < nalEnd) {
                int header = b.get(nal) & 0xFF;
                if ((header & 0x80) != 0) {
                    throw new FrameDecodeException(Reason.CORRUPT, codec + " NAL unit at byte " + (nal - b.position())
                            + " has its forbidden bit set: not a valid access unit");
                }
                if (hevc) {
                    int type = (header >> 1) & 0x3F;
                    if (nalEnd - nal < 2) {
                        throw new FrameDecodeException(Reason.TRUNCATED, "H265 NAL unit header cut short");
                    }
                    int tid = (b.get(nal + 1) & 0x07) - 1;
                    if (type <= 31) {
                        slices++;
                        temporalId = Math.max(temporalId, tid);
                        keyframe |= type >= 16 && type <= 23;
                        rasl |= type == 8 || type == 9;
                        // sub-layer non-reference pictures have the even types up to 14 (TRAIL_N, TSA_N, ..., RSV_VCL_N14)
                        reference |= !(type <= 14 && type % 2 == 0);
                    } else if (type == 33) {
                        long[] size = ParameterSets.h265PictureSize(rbsp(b, nal + 2, nalEnd));
                        width = size[0];
                        height = size[1];
                    }
                } else {
                    int type = header & 0x1F;
                    if (type == 1 || type == 5) {
                        slices++;
                        keyframe |= type == 5;
                        reference |= (header >> 5) != 0;
                    } else if (type == 7) {
                        long[] size = ParameterSets.h264PictureSize(rbsp(b, nal + 1, nalEnd));
                        width = size[0];
                        height = size[1];
                    }
                }
            }
            at = next;
        }
        if (slices == 0) {
            throw new FrameDecodeException(Reason.CORRUPT, codec + " access unit of " + payload.remaining()
                    + " bytes holds no picture slice");
        }
        return new AccessUnit(codec, keyframe, reference, rasl, Math.max(0, temporalId), slices, width, height);
    }

    /** The position of the next start code (00 00 01, or 00 00 00 01) at or after {@code from}, or -1. */
    private static int nextStartCode(ByteBuffer b, int from, int end) {
        for (int i = from; i + 2 < end; i++) {
            if (b.get(i) == 0 && b.get(i + 1) == 0) {
                if (b.get(i + 2) == 1) {
                    return i;
                }
                if (b.get(i + 2) == 0 && i + 3 < end && b.get(i + 3) == 1) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int skipStartCode(ByteBuffer b, int at, int end) {
        return b.get(at + 2) == 1 ? at + 3 : at + 4;
    }

    /** A parameter set's payload without its emulation-prevention bytes (00 00 03 becomes 00 00), bounded. */
    private static byte[] rbsp(ByteBuffer b, int from, int end) {
        int n = Math.min(end - from, MAX_PARAMETER_SET_BYTES);
        byte[] out = new byte[Math.max(0, n)];
        int o = 0;
        int zeros = 0;
        for (int i = from; i < from + n; i++) {
            byte v = b.get(i);
            if (zeros >= 2 && v == 3) {
                zeros = 0;
                continue;
            }
            zeros = v == 0 ? zeros + 1 : 0;
            out[o++] = v;
        }
        return o == out.length ? out : Arrays.copyOf(out, o);
    }
}
