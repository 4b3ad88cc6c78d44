package io.framewise.app.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.schema.Codec;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The cameras a benchmark offers load from: {@code count} synthetic cameras filming {@code width x height}, their
 * frames JPEG-encoded before the benchmark starts so that the publisher does not take the CPU being measured (24
 * distinct frames per camera, replayed in a loop).
 */
public record SyntheticCameras(int count, int width, int height, Codec codec) {
    /** H.264 cameras: two GOPs of access units per camera, replayed in a loop (it restarts at a keyframe). */
    static final int H264_UNITS = 50;
    static final int H264_GOP = 25;

    public SyntheticCameras {
        if (count < 1 || width < 1 || height < 1) {
            throw new IllegalArgumentException("need at least one camera and a positive frame size, got " + count + " cameras "
                    + width + "x" + height);
        }
        if (codec != Codec.JPEG && codec != Codec.H264) {
            throw new IllegalArgumentException("synthetic cameras send JPEG or H264, not " + codec);
        }
    }

    public SyntheticCameras(int count, int width, int height) {
        this(count, width, height, Codec.JPEG);
    }

    /** The fixed bitrate the benchmarks' H.264 cameras encode at: 2 Mbit/s at 720p, in proportion to the pixels. */
    static long h264BitRate(int width, int height) {
        return Math.round(2_000_000.0 * width * height / (1280 * 720));
    }

    /** Whether frame {@code index} of a camera's loop is a keyframe (every JPEG is). */
    public boolean keyframe(long index) {
        return codec == Codec.JPEG || index % H264_GOP == 0;
    }

    /** The id of camera {@code index}, as its frames' key. */
    public static String id(int index) {
        return "cam-" + index;
    }

    /** For each camera, its 24 JPEG frames, or its {@value #H264_UNITS} H.264 access units (OpenH264, 2 Mbit/s at 720p). */
    public List<List<byte[]>> encode() {
        if (codec == Codec.H264) {
            List<List<byte[]>> all = new ArrayList<>();
            long bitRate = h264BitRate(width, height);
            for (int c = 0; c < count; c++) {
                List<byte[]> units = new ArrayList<>();
                try (SyntheticScene scene = new SyntheticScene(width, height, c, id(c), H264_UNITS);
                     VideoEncoder encoder = new VideoEncoder(width, height, 25, H264_GOP, bitRate)) {
                    Mat image;
                    while ((image = scene.next()) != null) {
                        units.add(encoder.encode(image).annexB());
                    }
                }
                all.add(units);
            }
            return all;
        }
        ImageEncoder jpeg = new ImageEncoder(Codec.JPEG, 85);
        List<List<byte[]>> all = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            List<byte[]> frames = new ArrayList<>();
            try (SyntheticScene scene = new SyntheticScene(width, height, c, id(c), 24)) {
                Mat image;
                while ((image = scene.next()) != null) {
                    frames.add(jpeg.encode(image));
                }
            }
            all.add(frames);
        }
        return all;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d cameras %dx%d %s", count, width, height, codec == Codec.H264 ? "H.264" : "JPEG");
    }
}
