package io.framewise.decoder.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.FrameDecodeException;
import io.framewise.decoder.source.AccessUnitSource;
import io.framewise.schema.Codec;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VideoDecoderTest {

    /**
     * Each access unit, sent alone to a decoder of its own codec, gives the picture FFmpeg's command-line tool
     * decodes from the file: the same bytes, for every picture of the clip, whatever the container.
     */
    @ParameterizedTest
    @CsvSource({"h264-baseline.mp4, H264", "h264.ts, H264", "h265.mp4, H265"})
    void everyAccessUnitDecodesBitExactlyAgainstAnIndependentDecode(String clip, Codec codec) {
        List<AccessUnitSource.Unit> units = Clips.units(clip);
        TreeMap<Long, String> byPresentation = new TreeMap<>();
        List<Long> ownPicture = new ArrayList<>();
        try (VideoDecoder decoder = new VideoDecoder(codec, 1920L * 1080)) {
            for (AccessUnitSource.Unit u : units) {
                assertThat(u.info().codec()).isEqualTo(codec);
                AVFrame picture = decoder.decode(ByteBuffer.wrap(u.annexB()), u.ptsMicros());
                assertThat(picture).as("access unit at %d µs gave no picture", u.ptsMicros()).isNotNull();
                if (picture.pts() == u.ptsMicros()) {
                    ownPicture.add(u.ptsMicros());
                }
                byPresentation.put(picture.pts(), md5(picture));
            }
        }
        assertThat(new ArrayList<>(byPresentation.values())).isEqualTo(Clips.referenceMd5s(clip));
        // low delay: each access unit's own picture comes out of the call that sent it, B-frames or not
        assertThat(ownPicture).hasSize(units.size());
    }

    /**
     * With B-frames the pictures are bit-exact too, but the decoder holds them back (its reorder buffer), so many an
     * access unit's picture does not come out of the call that sent it: why the publisher refuses such streams.
     */
    @Test
    void bFramePicturesAreBitExactButHeldBack() {
        List<AccessUnitSource.Unit> units = Clips.units("h264-bframes.mp4");
        TreeMap<Long, String> byPresentation = new TreeMap<>();
        int heldBack = 0;
        try (VideoDecoder decoder = new VideoDecoder(Codec.H264, 1920L * 1080)) {
            for (AccessUnitSource.Unit u : units) {
                AVFrame picture = decoder.decode(ByteBuffer.wrap(u.annexB()), u.ptsMicros());
                if (picture == null || picture.pts() != u.ptsMicros()) {
                    heldBack++;
                }
                if (picture != null) {
                    byPresentation.put(picture.pts(), md5(picture));
                }
            }
            AVFrame rest;
            while ((rest = decoder.drain()) != null) {
                byPresentation.put(rest.pts(), md5(rest));
            }
        }
        assertThat(new ArrayList<>(byPresentation.values())).isEqualTo(Clips.referenceMd5s("h264-bframes.mp4"));
        assertThat(heldBack).as("access units whose own picture did not come out of their call").isPositive();
    }

    @Test
    void keyframesAreTheClipsRandomAccessPointsAndCarryTheirParameterSets() {
        for (String clip : List.of("h264-baseline.mp4", "h264.ts", "h265.mp4")) {
            List<AccessUnitSource.Unit> units = Clips.units(clip);
            assertThat(units).as(clip).hasSize(50);
            for (int i = 0; i < units.size(); i++) {
                AccessUnit info = units.get(i).info();
                assertThat(info.keyframe()).as("%s #%d", clip, i).isEqualTo(i % 12 == 0);
                assertThat(info.width() > 0).as("%s #%d has an SPS", clip, i).isEqualTo(info.keyframe());
                if (info.keyframe()) {
                    assertThat(info.width()).isGreaterThanOrEqualTo(320);
                    assertThat(info.height()).isGreaterThanOrEqualTo(240);
                }
            }
        }
    }

    @Test
    void aKeyframeDecodesOnItsOwnInAFreshDecoder() {
        List<AccessUnitSource.Unit> units = Clips.units("h265.mp4");
        List<String> reference = Clips.referenceMd5s("h265.mp4");
        try (VideoDecoder decoder = new VideoDecoder(Codec.H265, 1920L * 1080)) {
            AVFrame picture = decoder.decode(ByteBuffer.wrap(units.get(24).annexB()), 24);
            assertThat(md5(picture)).isEqualTo(reference.get(24));
            try (DecodedImage image = decoder.toBgr(picture)) {
                assertThat(image.width()).isEqualTo(320);
                assertThat(image.height()).isEqualTo(240);
                assertThat(image.source()).isEqualTo("H265");
            }
        }
    }

    @Test
    void aDecoderStartedMidGopGivesNoPicture() {
        List<AccessUnitSource.Unit> units = Clips.units("h264-baseline.mp4");
        try (VideoDecoder decoder = new VideoDecoder(Codec.H264, 1920L * 1080)) {
            // without its parameter sets and references, the access unit is refused rather than concealed
            assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(units.get(5).annexB()), 5))
                    .isInstanceOf(FrameDecodeException.class).hasMessageContaining("Invalid data found when processing input");
        }
    }

    @Test
    void aPictureOverThePixelLimitIsRefusedByTheDecoder() {
        List<AccessUnitSource.Unit> units = Clips.units("h264-baseline.mp4");
        try (VideoDecoder decoder = new VideoDecoder(Codec.H264, 320L * 240 - 1)) {
            assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(units.get(0).annexB()), 0))
                    .isInstanceOf(FrameDecodeException.class);
        }
    }

    private static String md5(AVFrame picture) {
        return Clips.md5(picture);
    }
}
