package io.framewise.decoder.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.schema.Codec;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class VideoEncoderTest {

    /** A synthetic H.264 camera: keyframes where asked, each decodable from its keyframe, far fewer bytes than JPEG. */
    @Test
    void aSyntheticCameraEncodesDecodableAccessUnitsWithKeyframesEveryGop() {
        long h264Bytes = 0;
        long jpegBytes = 0;
        ImageEncoder jpeg = new ImageEncoder(Codec.JPEG, 85);
        try (SyntheticScene scene = new SyntheticScene(640, 480, 0, "cam", 30);
             VideoEncoder encoder = new VideoEncoder(640, 480, 10, 10, 1_000_000);
             VideoSession session = new VideoSession(Codec.H264, 1920L * 1080)) {
            Mat picture;
            int i = 0;
            while ((picture = scene.next()) != null) {
                VideoEncoder.Encoded au = encoder.encode(picture);
                AccessUnit info = AccessUnit.parse(Codec.H264, ByteBuffer.wrap(au.annexB()));
                assertThat(info.keyframe()).as("picture %d", i).isEqualTo(i % 10 == 0);
                assertThat(au.keyframe()).isEqualTo(info.keyframe());
                VideoSession.Step step = session.take(i, ByteBuffer.wrap(au.annexB()), true);
                assertThat(step.hasPicture()).as(step.reason()).isTrue();
                assertThat(step.image().width()).isEqualTo(640);
                step.image().close();
                h264Bytes += au.annexB().length;
                jpegBytes += jpeg.encode(picture).length;
                i++;
            }
        }
        assertThat(h264Bytes * 5).as("H.264 bytes against JPEG q85's").isLessThan(jpegBytes);
    }
}
