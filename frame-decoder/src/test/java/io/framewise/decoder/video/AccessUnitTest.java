package io.framewise.decoder.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;

import io.framewise.decoder.FrameDecodeException;
import io.framewise.schema.Codec;
import org.junit.jupiter.api.Test;

/** What an access unit's NAL unit headers say, read without decoding it. */
class AccessUnitTest {

    private static AccessUnit parse(Codec codec, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return AccessUnit.parse(codec, ByteBuffer.wrap(b));
    }

    @Test
    void anH264SliceWithNalRefIdcZeroIsReferencedByNothing() {
        // access unit delimiter, then a non-IDR slice with nal_ref_idc 0 (0x01) and one with nal_ref_idc 2 (0x41)
        AccessUnit dropped = parse(Codec.H264, 0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x01, 0x9A, 0x11);
        assertThat(dropped.reference()).isFalse();
        assertThat(dropped.keyframe()).isFalse();
        AccessUnit kept = parse(Codec.H264, 0, 0, 1, 0x41, 0x9A, 0x11);
        assertThat(kept.reference()).isTrue();
        assertThat(parse(Codec.H264, 0, 0, 1, 0x65, 0x88, 0x84).keyframe()).isTrue();
    }

    @Test
    void h265PictureTypesSayKeyframesLeadingPicturesAndSubLayerNonReferences() {
        // NAL header: type << 1, then TemporalId + 1
        assertThat(parse(Codec.H265, 0, 0, 1, 19 << 1, 1, 0xAF).keyframe()).as("IDR_W_RADL").isTrue();
        assertThat(parse(Codec.H265, 0, 0, 1, 21 << 1, 1, 0xAF).keyframe()).as("CRA").isTrue();
        AccessUnit trailN = parse(Codec.H265, 0, 0, 1, 0, 2, 0xAF);
        assertThat(trailN.reference()).as("TRAIL_N").isFalse();
        assertThat(trailN.temporalId()).isEqualTo(1);
        assertThat(parse(Codec.H265, 0, 0, 1, 1 << 1, 1, 0xAF).reference()).as("TRAIL_R").isTrue();
        assertThat(parse(Codec.H265, 0, 0, 1, 8 << 1, 1, 0xAF).randomAccessSkipped()).as("RASL_N").isTrue();
    }

    @Test
    void aTruncatedOrHostileParameterSetIsCorruptNotALoop() {
        // an SPS (type 7) cut after its first bytes, before the picture size
        assertThatThrownBy(() -> parse(Codec.H264, 0, 0, 1, 0x67, 0x64, 0, 0x1F, 0, 0, 1, 0x65, 0x88))
                .isInstanceOf(FrameDecodeException.class).hasMessageContaining("sequence parameter set is malformed");
        // an Exp-Golomb code of more than 32 bits (all zeros) in an H.265 SPS
        assertThatThrownBy(() -> parse(Codec.H265, 0, 0, 1, 33 << 1, 1, 0x01, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5D,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x26, 1, 0xAF))
                .isInstanceOf(FrameDecodeException.class).hasMessageContaining("H265 sequence parameter set is malformed");
    }
}
