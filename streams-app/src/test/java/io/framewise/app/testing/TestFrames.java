package io.framewise.app.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Frames of the synthetic scene, JPEG encoded, as a publisher would send them. */
public final class TestFrames {
    private static final ImageEncoder JPEG = new ImageEncoder(Codec.JPEG, 85);

    private TestFrames() {
    }

    public static byte[] jpeg(int width, int height, int cameraIndex, long index) {
        try (SyntheticScene scene = new SyntheticScene(width, height, cameraIndex, "cam-" + cameraIndex, -1)) {
            for (long i = 0; i < index; i++) {
                scene.next();
            }
            return JPEG.encode(scene.next());
        }
    }

    /** A JPEG of one grey level everywhere (0: black). */
    public static byte[] solidJpeg(int width, int height, int level) {
        try (Scalar colour = new Scalar(level, level, level, 0); Mat m = new Mat(height, width, CV_8UC3, colour)) {
            return JPEG.encode(m);
        }
    }

    /**
     * A synthetic H.264 camera's access units (OpenH264, no B-frames): {@code count} pictures of the scene, a
     * keyframe every {@code gop}.
     */
    public static List<VideoEncoder.Encoded> h264(int width, int height, int cameraIndex, int count, int gop) {
        List<VideoEncoder.Encoded> units = new ArrayList<>(count);
        try (SyntheticScene scene = new SyntheticScene(width, height, cameraIndex, "cam-" + cameraIndex, count);
             VideoEncoder encoder = new VideoEncoder(width, height, 10, gop, 500_000)) {
            Mat picture;
            while ((picture = scene.next()) != null) {
                units.add(encoder.encode(picture));
            }
        }
        return units;
    }

    public static Frame frame(String camera, long sequence, Instant captured, byte[] payload, Codec codec) {
        return Frame.newBuilder().setCameraId(camera).setSequence(sequence).setCaptureTimestamp(captured)
                .setCodec(codec).setPayload(ByteBuffer.wrap(payload)).setAttributes(Map.of()).build();
    }
}
