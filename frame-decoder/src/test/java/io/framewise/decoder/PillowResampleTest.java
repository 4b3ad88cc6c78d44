package io.framewise.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.SplittableRandom;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The resize's passes run on transposed, windowed lines for speed; whatever the shape, they must give what Pillow's
 * loop gives: each output pixel the rounded, clipped sum of its taps, horizontally over the whole image, then
 * vertically. {@link #pillowsLoop} is that loop, written plainly (Pillow itself is compared in
 * {@link PillowParityTest}).
 */
class PillowResampleTest {

    @ParameterizedTest(name = "{0}x{1} to {2}x{3}, window at {4},{5} of {6}x{7}")
    @CsvSource({
        "640, 480, 341, 256, 58, 16, 224, 224",   // the usual camera frame
        "1920, 1080, 455, 256, 115, 16, 224, 224",
        "480, 640, 256, 341, 16, 58, 224, 224",   // portrait
        "200, 150, 298, 224, 37, 0, 224, 224",    // enlarging
        "640, 480, 640, 256, 0, 16, 640, 224",    // vertical only
        "640, 480, 341, 480, 58, 0, 224, 480",    // horizontal only
        "300, 200, 300, 200, 10, 10, 224, 180",   // no resize: the window alone
        "7, 5, 3, 2, 0, 0, 3, 2",
        "333, 517, 256, 397, 0, 0, 256, 397",     // the whole output
    })
    void everyShapeGivesPillowsLoopToTheBit(int srcWidth, int srcHeight, int outWidth, int outHeight, int x0, int y0,
                                            int width, int height) {
        byte[] pixels = noise(srcWidth * srcHeight * 3, srcWidth * 7919L + srcHeight);
        Mat image = mat(srcHeight, srcWidth, pixels);
        for (PillowResample.Filter filter : PillowResample.Filter.values()) {
            byte[] expected = pillowsLoop(pixels, srcWidth, srcHeight, outWidth, outHeight, x0, y0, width, height, filter);
            assertThat(PillowResample.resize(image, outWidth, outHeight, x0, y0, width, height, filter))
                    .as(filter.name()).isEqualTo(expected);
        }
    }

    @Test
    void aRegionOfALargerImageIsResizedInPlaceAsItsCopyWouldBe() {
        byte[] pixels = noise(800 * 600 * 3, 5);
        Mat whole = mat(600, 800, pixels);
        Mat region = new Mat(whole, new Rect(90, 40, 640, 480)); // rows 2400 bytes apart, not 1920: not continuous
        assertThat(region.isContinuous()).isFalse();
        byte[] expected = PillowResample.resize(region.clone(), 341, 256, 58, 16, 224, 224, PillowResample.Filter.BICUBIC);
        assertThat(PillowResample.resize(region, 341, 256, 58, 16, 224, 224, PillowResample.Filter.BICUBIC))
                .isEqualTo(expected);
    }

    @Test
    void refusesPixelsThatAreNotThreeChannelsOfEightBitsAndWindowsOutsideTheOutput() {
        Mat grey = new Mat(10, 10, CV_8UC1);
        assertThatThrownBy(() -> PillowResample.resize(grey, 5, 5, 0, 0, 5, 5, PillowResample.Filter.BICUBIC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3-channel");
        Mat colour = new Mat(10, 10, CV_8UC3);
        assertThatThrownBy(() -> PillowResample.resize(colour, 5, 5, 1, 0, 5, 5, PillowResample.Filter.BICUBIC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
    }

    /** Pillow's {@code ImagingResampleHorizontal_8bpc} then {@code ImagingResampleVertical_8bpc}, then the window. */
    private static byte[] pillowsLoop(byte[] src, int srcWidth, int srcHeight, int outWidth, int outHeight, int x0, int y0,
                                      int width, int height, PillowResample.Filter filter) {
        int[] horizontal = new int[srcHeight * outWidth * 3];
        PillowResample.Coefficients h = PillowResample.coefficients(srcWidth, outWidth, filter);
        for (int y = 0; y < srcHeight; y++) {
            for (int xx = 0; xx < outWidth; xx++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 1 << 21;
                    for (int t = 0; t < h.count()[xx]; t++) {
                        sum += (src[(y * srcWidth + h.first()[xx] + t) * 3 + c] & 0xff) * h.weights()[xx * h.ksize() + t];
                    }
                    horizontal[(y * outWidth + xx) * 3 + c] = outWidth == srcWidth
                            ? src[(y * srcWidth + xx) * 3 + c] & 0xff : clip8(sum);
                }
            }
        }
        PillowResample.Coefficients v = PillowResample.coefficients(srcHeight, outHeight, filter);
        byte[] out = new byte[width * height * 3];
        for (int yy = 0; yy < height; yy++) {
            for (int xx = 0; xx < width; xx++) {
                for (int c = 0; c < 3; c++) {
                    int row = y0 + yy;
                    int sum = 1 << 21;
                    for (int t = 0; t < v.count()[row]; t++) {
                        sum += horizontal[((v.first()[row] + t) * outWidth + x0 + xx) * 3 + c] * v.weights()[row * v.ksize() + t];
                    }
                    out[(yy * width + xx) * 3 + c] = (byte) (outHeight == srcHeight
                            ? horizontal[(row * outWidth + x0 + xx) * 3 + c] : clip8(sum));
                }
            }
        }
        return out;
    }

    private static int clip8(int sum) {
        return Math.max(0, Math.min(255, sum >> 22));
    }

    private static byte[] noise(int length, long seed) {
        byte[] bytes = new byte[length];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static Mat mat(int rows, int cols, byte[] pixels) {
        Mat mat = new Mat(rows, cols, CV_8UC3);
        mat.data().capacity(pixels.length).put(pixels);
        return mat;
    }
}
