package io.framewise.decoder.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.FrameDecodeException;
import io.framewise.decoder.source.AccessUnitSource;
import io.framewise.schema.Codec;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A camera's access units as one task takes them: what is decoded, what waits for a keyframe, and why. */
class VideoSessionTest {
    private static final long MAX_PIXELS = 1920L * 1080;
    private final List<VideoSession> sessions = new ArrayList<>();

    @AfterEach
    void close() {
        sessions.forEach(VideoSession::close);
    }

    @Test
    void aCameraJoinedMidGopWaitsForItsKeyframeThenGivesTheRightPictures() {
        List<AccessUnitSource.Unit> units = Clips.units("h264-baseline.mp4");
        List<byte[]> truth = bgr(units, 0, Codec.H264);
        VideoSession session = session(Codec.H264);
        for (int i = 5; i < 30; i++) {
            VideoSession.Step step = session.take(i, ByteBuffer.wrap(units.get(i).annexB()), true);
            if (i < 12) {
                assertThat(step.hasPicture()).isFalse();
                assertThat(step.decoded()).isFalse();
                assertThat(step.reason()).isEqualTo("no reference picture: waiting for a keyframe (the decoder started mid-GOP)");
                assertThat(session.decoderOpen()).as("no decoder is made for access units that cannot be decoded").isFalse();
            } else {
                assertThat(pixels(step)).as("picture %d", i).isEqualTo(truth.get(i));
            }
        }
    }

    @Test
    void aLostAccessUnitLeavesTheCameraUnsyncedUntilItsNextKeyframe() {
        for (String clip : List.of("h264-baseline.mp4", "h265.mp4")) {
            Codec codec = clip.startsWith("h265") ? Codec.H265 : Codec.H264;
            List<AccessUnitSource.Unit> units = Clips.units(clip);
            List<byte[]> truth = bgr(units, 0, codec);
            VideoSession session = session(codec);
            List<String> reasons = new ArrayList<>();
            for (int i = 0; i < units.size(); i++) {
                if (i == 15) {
                    continue; // lost on the way
                }
                VideoSession.Step step = session.take(i, ByteBuffer.wrap(units.get(i).annexB()), true);
                if (i > 15 && i < 24) {
                    assertThat(step.hasPicture()).as("%s %d", clip, i).isFalse();
                    reasons.add(step.reason());
                } else {
                    assertThat(pixels(step)).as("%s picture %d", clip, i).isEqualTo(truth.get(i));
                }
            }
            assertThat(reasons).hasSize(8).containsOnly("no reference picture: waiting for a keyframe (access unit 15 is missing)");
        }
    }

    @Test
    void aRepeatedAccessUnitIsNotDecodedAgainAndTheCameraStaysInStep() {
        List<AccessUnitSource.Unit> units = Clips.units("h264-baseline.mp4");
        List<byte[]> truth = bgr(units, 0, Codec.H264);
        VideoSession session = session(Codec.H264);
        for (int i = 0; i <= 14; i++) {
            close(session.take(i, ByteBuffer.wrap(units.get(i).annexB()), true));
        }
        VideoSession.Step repeat = session.take(14, ByteBuffer.wrap(units.get(14).annexB()), true);
        assertThat(repeat.hasPicture()).isFalse();
        assertThat(repeat.reason()).contains("a repeat, not decoded again");
        assertThat(pixels(session.take(15, ByteBuffer.wrap(units.get(15).annexB()), true))).isEqualTo(truth.get(15));
    }

    @Test
    void accessUnitsNotToBeClassifiedAreStillDecodedForTheirReferences() {
        List<AccessUnitSource.Unit> units = Clips.units("h265.mp4");
        List<byte[]> truth = bgr(units, 0, Codec.H265);
        VideoSession session = session(Codec.H265);
        for (int i = 0; i < 20; i++) {
            VideoSession.Step step = session.take(i, ByteBuffer.wrap(units.get(i).annexB()), i == 19);
            if (i < 19) {
                assertThat(step.hasPicture()).isFalse();
                assertThat(step.decoded()).as("a reference picture is decoded even when not classified").isTrue();
                assertThat(step.reason()).isNull();
            } else {
                assertThat(pixels(step)).isEqualTo(truth.get(19));
            }
        }
    }

    @Test
    void aMalformedAccessUnitFailsAndTheCameraWaitsForItsNextKeyframe() {
        List<AccessUnitSource.Unit> units = Clips.units("h264-baseline.mp4");
        VideoSession session = session(Codec.H264);
        for (int i = 0; i < 3; i++) {
            close(session.take(i, ByteBuffer.wrap(units.get(i).annexB()), true));
        }
        byte[] damaged = units.get(3).annexB().clone();
        for (int i = 8; i < damaged.length; i += 3) {
            damaged[i] = (byte) (damaged[i] ^ 0x5A);
        }
        assertThatThrownBy(() -> session.take(3, ByteBuffer.wrap(damaged), true)).isInstanceOf(FrameDecodeException.class);
        VideoSession.Step after = session.take(4, ByteBuffer.wrap(units.get(4).annexB()), true);
        assertThat(after.hasPicture()).isFalse();
        assertThat(after.reason()).startsWith("no reference picture: waiting for a keyframe (access unit 3 ");
        assertThat(session.take(12, ByteBuffer.wrap(units.get(12).annexB()), true).hasPicture()).isTrue();
    }

    @Test
    void aPictureOverThePixelLimitIsRefusedFromItsParameterSetBeforeAnyDecoderExists() {
        List<AccessUnitSource.Unit> units = Clips.units("h265.mp4");
        VideoSession session = new VideoSession(Codec.H265, 320L * 240 - 1);
        sessions.add(session);
        assertThatThrownBy(() -> session.take(0, ByteBuffer.wrap(units.get(0).annexB()), true))
                .isInstanceOf(FrameDecodeException.class)
                .hasMessageContaining("declares 320x240 = 76800 pixels, over the limit of 76799 (framewise.decode.max.pixels)");
        assertThat(session.decoderOpen()).isFalse();
    }

    @Test
    void aPayloadThatIsNotAnAnnexBAccessUnitIsRefusedWithTheReason() {
        VideoSession session = session(Codec.H264);
        assertThatThrownBy(() -> session.take(0, ByteBuffer.wrap(new byte[] {0, 0, 0, 24, 0x65, 1, 2, 3}), true))
                .isInstanceOf(FrameDecodeException.class).hasMessageContaining("length-prefixed (MP4/MKV)");
        assertThatThrownBy(() -> session.take(1, ByteBuffer.wrap(new byte[] {0, 0, 1, 0x09, (byte) 0xF0}), true))
                .isInstanceOf(FrameDecodeException.class).hasMessageContaining("holds no picture slice");
    }

    private VideoSession session(Codec codec) {
        VideoSession s = new VideoSession(codec, MAX_PIXELS);
        sessions.add(s);
        return s;
    }

    /** The BGR pixels of every picture of a full decode from {@code from}. */
    private List<byte[]> bgr(List<AccessUnitSource.Unit> units, int from, Codec codec) {
        VideoSession s = session(codec);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            out.add(i < from ? null : pixels(s.take(i, ByteBuffer.wrap(units.get(i).annexB()), true)));
        }
        return out;
    }

    private static byte[] pixels(VideoSession.Step step) {
        assertThat(step.hasPicture()).as(step.reason()).isTrue();
        try (DecodedImage image = step.image()) {
            byte[] bytes = new byte[(int) (image.bgr().total() * image.bgr().channels())];
            new BytePointer(image.bgr().data()).get(bytes);
            return bytes;
        }
    }

    private static void close(VideoSession.Step step) {
        if (step.image() != null) {
            step.image().close();
        }
    }
}
