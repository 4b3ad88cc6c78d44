package io.framewise.decoder;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.javacpp.indexer.UShortIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Deterministic test images with distinct, non-trivial pixel values, encoded by OpenCV. */
final class TestImages {
    private TestImages() {
    }

    static int value(int y, int x, int c) {
        return (y * 7 + x * 13 + c * 71 + (x * y) % 37) & 0xFF;
    }

    static Mat bgr(int width, int height) {
        Mat m = new Mat(height, width, CV_8UC3);
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 3; c++) {
                        idx.put(y, x, c, value(y, x, c));
                    }
                }
            }
        }
        return m;
    }

    static Mat gray(int width, int height) {
        Mat m = new Mat(height, width, CV_8UC1);
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    idx.put(y, x, value(y, x, 0));
                }
            }
        }
        return m;
    }

    static Mat bgra(int width, int height) {
        Mat m = new Mat(height, width, CV_8UC4);
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 4; c++) {
                        idx.put(y, x, c, c == 3 ? 128 : value(y, x, c));
                    }
                }
            }
        }
        return m;
    }

    static Mat bgr16(int width, int height) {
        Mat m = new Mat(height, width, CV_16UC3);
        try (UShortIndexer idx = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 3; c++) {
                        idx.put(y, x, c, value(y, x, c) * 257);
                    }
                }
            }
        }
        return m;
    }

    static byte[] encode(Mat image, String extension) {
        try (image; BytePointer out = new BytePointer()) {
            if (!imencode(extension, image, out)) {
                throw new IllegalStateException("imencode failed");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
