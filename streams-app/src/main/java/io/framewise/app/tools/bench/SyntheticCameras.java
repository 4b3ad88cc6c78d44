package io.framewise.app.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.schema.Codec;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The cameras a benchmark offers load from: {@code count} synthetic cameras filming {@code width x height}, their
 * frames JPEG-encoded before the benchmark starts so that the publisher does not take the CPU being measured (24
 * distinct frames per camera, replayed in a loop).
 */
public record SyntheticCameras(int count, int width, int height) {

    public SyntheticCameras {
        if (count < 1 || width < 1 || height < 1) {
            throw new IllegalArgumentException("need at least one camera and a positive frame size, got " + count + " cameras "
                    + width + "x" + height);
        }
    }

    /** The id of camera {@code index}, as its frames' key. */
    public static String id(int index) {
        return "cam-" + index;
    }

    /** For each camera, its 24 frames. */
    public List<List<byte[]>> encode() {
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
        return String.format(Locale.ROOT, "%d cameras %dx%d JPEG", count, width, height);
    }
}
