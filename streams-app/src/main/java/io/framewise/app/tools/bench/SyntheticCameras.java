package io.framewise.app.tools.bench;

import java.util.ArrayList;
import java.util.List;

import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.schema.Codec;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Frames of synthetic cameras, JPEG-encoded before a benchmark starts, so that the publisher does not take the CPU
 * being measured: 24 distinct frames per camera, replayed in a loop.
 */
public final class SyntheticCameras {
    private SyntheticCameras() {
    }

    /** For each of {@code cameras} cameras, its 24 frames of {@code width x height}. */
    public static List<List<byte[]>> encode(int cameras, int width, int height) {
        ImageEncoder jpeg = new ImageEncoder(Codec.JPEG, 85);
        List<List<byte[]>> all = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
            List<byte[]> frames = new ArrayList<>();
            try (SyntheticScene scene = new SyntheticScene(width, height, c, "cam-" + c, 24)) {
                Mat image;
                while ((image = scene.next()) != null) {
                    frames.add(jpeg.encode(image));
                }
            }
            all.add(frames);
        }
        return all;
    }
}
