package io.framewise.decoder.video;

import java.util.Set;

import io.framewise.decoder.FrameDecodeException;
import io.framewise.decoder.FrameDecodeException.Reason;

/**
 * The picture size a sequence parameter set declares, read as the H.264 (7.3.2.1.1) and H.265 (7.3.2.2) syntax
 * gives it, up to that field. The size is the coded one (whole macroblocks or luma samples, before cropping): an upper
 * bound of the picture, which is what a pixel limit needs.
 */
final class ParameterSets {
    /** H.264 profiles whose SPS carries chroma format, bit depths and scaling matrices. */
    private static final Set<Integer> HIGH_PROFILES = Set.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138,
            139, 134, 135);

    private ParameterSets() {
    }

    static long[] h264PictureSize(byte[] rbsp) {
        try {
            BitReader r = new BitReader(rbsp, rbsp.length);
            int profile = r.u(8);
            r.skip(16); // constraint flags, level
            r.ue(); // seq_parameter_set_id
            if (HIGH_PROFILES.contains(profile)) {
                long chroma = r.ue();
                if (chroma == 3) {
                    r.skip(1);
                }
                r.ue(); // bit depths
                r.ue();
                r.skip(1);
                if (r.u(1) == 1) { // scaling matrices
                    for (int i = 0; i < (chroma != 3 ? 8 : 12); i++) {
                        if (r.u(1) == 1) {
                            skipScalingList(r, i < 6 ? 16 : 64);
                        }
                    }
                }
            }
            r.ue(); // log2_max_frame_num_minus4
            long pocType = r.ue();
            if (pocType == 0) {
                r.ue();
            } else if (pocType == 1) {
                r.skip(1);
                r.se();
                r.se();
                long cycle = r.ue();
                if (cycle > 255) {
                    throw new IllegalArgumentException("num_ref_frames_in_pic_order_cnt_cycle " + cycle + " over 255");
                }
                for (int i = 0; i < cycle; i++) {
                    r.se();
                }
            }
            r.ue(); // max_num_ref_frames
            r.skip(1);
            long widthMbs = r.ue() + 1;
            long heightUnits = r.ue() + 1;
            long frameMbsOnly = r.u(1);
            return new long[] {widthMbs * 16, heightUnits * 16 * (2 - frameMbsOnly)};
        } catch (IllegalArgumentException e) {
            throw new FrameDecodeException(Reason.CORRUPT, "H264 sequence parameter set is malformed: " + e.getMessage());
        }
    }

    static long[] h265PictureSize(byte[] rbsp) {
        try {
            BitReader r = new BitReader(rbsp, rbsp.length);
            r.skip(4); // sps_video_parameter_set_id
            int subLayers = r.u(3); // sps_max_sub_layers_minus1
            r.skip(1);
            r.skip(96); // general profile, tier and level
            boolean[] profilePresent = new boolean[subLayers];
            boolean[] levelPresent = new boolean[subLayers];
            for (int i = 0; i < subLayers; i++) {
                profilePresent[i] = r.u(1) == 1;
                levelPresent[i] = r.u(1) == 1;
            }
            if (subLayers > 0) {
                r.skip(2L * (8 - subLayers));
            }
            for (int i = 0; i < subLayers; i++) {
                r.skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
            }
            r.ue(); // sps_seq_parameter_set_id
            if (r.ue() == 3) { // chroma_format_idc
                r.skip(1);
            }
            return new long[] {r.ue(), r.ue()};
        } catch (IllegalArgumentException e) {
            throw new FrameDecodeException(Reason.CORRUPT, "H265 sequence parameter set is malformed: " + e.getMessage());
        }
    }

    private static void skipScalingList(BitReader r, int size) {
        long last = 8;
        long next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
