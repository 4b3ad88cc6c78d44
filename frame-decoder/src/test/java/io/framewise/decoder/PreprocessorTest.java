package io.framewise.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import javax.imageio.ImageIO;

import io.framewise.decoder.PreprocessSpec.ChannelOrder;
import io.framewise.decoder.PreprocessSpec.Interpolation;
import io.framewise.decoder.PreprocessSpec.Resize;
import io.framewise.schema.Codec;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * Compares the OpenCV preprocessing with an independent computation: the PNG decoded by Java's ImageIO, cropped,
 * reordered and normalised in plain Java. Inputs are chosen so that the resize is exact (identity, or 2x area
 * averaging of constant 2x2 blocks), which makes the reference independent of OpenCV's resampling.
 */
class PreprocessorTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private final ImageDecoder decoder = new ImageDecoder(10_000_000);

    @Test
    void resizeIsIdentityWhenShortSideMatchesThenCenterCropAndNormaliseRgb() throws IOException {
        // 256x300 image, crop 0.875 -> short side stays 256, long side 300; crop 224 at top 38, left 16.
        byte[] png = TestImages.encode(TestImages.bgr(256, 300), ".png");
        PreprocessSpec spec = PreprocessSpec.imagenet(224, 0.875);
        float[] actual = run(png, spec);
        float[] expected = reference(png, 224, 224, 38, 16, 1, ChannelOrder.RGB);
        assertClose(actual, expected);
    }

    @Test
    void areaResizeOfConstantBlocksThenCropInBgrOrder() throws IOException {
        // Each logical pixel is a constant 2x2 block: area downscaling by 2 recovers it exactly.
        int w = 2 * 140;
        int h = 2 * 112;
        Mat big = new Mat(h, w, CV_8UC3);
        try (UByteIndexer idx = big.createIndexer()) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        idx.put(y, x, c, TestImages.value(y / 2, x / 2, c));
                    }
                }
            }
        }
        byte[] png = TestImages.encode(big, ".png");
        PreprocessSpec spec = new PreprocessSpec(112, 112, Resize.SHORT_SIDE_CENTER_CROP, 1.0, Interpolation.AREA,
                ChannelOrder.BGR, MEAN, STD);
        // Short side 224 -> 112, long side 280 -> 140; crop 112 wide at left 14, top 0; sampled at 2x in the original.
        float[] actual = run(png, spec);
        float[] expected = reference(png, 112, 112, 0, 14, 2, ChannelOrder.BGR);
        assertClose(actual, expected);
    }

    @Test
    void writesAtTheBufferPositionWithoutTouchingNeighbours() {
        byte[] png = TestImages.encode(TestImages.bgr(256, 256), ".png");
        PreprocessSpec spec = PreprocessSpec.imagenet(224, 0.875);
        int n = spec.floatsPerImage();
        FloatBuffer batch = ByteBuffer.allocateDirect(4 * (2 * n + 2)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < batch.capacity(); i++) {
            batch.put(i, -99f);
        }
        try (DecodedImage image = decoder.decode(Codec.PNG, ByteBuffer.wrap(png), null, null)) {
            new Preprocessor(spec).preprocess(image, batch.position(n + 1));
        }
        assertThat(batch.position()).isEqualTo(n + 1);
        assertThat(batch.get(n)).isEqualTo(-99f);
        assertThat(batch.get(2 * n + 1)).isEqualTo(-99f);
        assertThat(batch.get(n + 1)).isNotEqualTo(-99f);
        assertThat(batch.get(2 * n)).isNotEqualTo(-99f);
    }

    private float[] run(byte[] png, PreprocessSpec spec) {
        FloatBuffer out = ByteBuffer.allocateDirect(4 * spec.floatsPerImage()).order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (DecodedImage image = decoder.decode(Codec.PNG, ByteBuffer.wrap(png), null, null)) {
            new Preprocessor(spec).preprocess(image, out);
        }
        float[] values = new float[spec.floatsPerImage()];
        out.get(values);
        return values;
    }

    /** Plain-Java preprocessing of the ImageIO-decoded image: crop at (top, left) with a sampling step, normalise. */
    private static float[] reference(byte[] png, int outH, int outW, int top, int left, int step, ChannelOrder order)
            throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        float[] out = new float[outH * outW * 3];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int argb = img.getRGB((left + x) * step, (top + y) * step);
                int[] rgb = {(argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF};
                for (int c = 0; c < 3; c++) {
                    int v = order == ChannelOrder.RGB ? rgb[c] : rgb[2 - c];
                    out[(y * outW + x) * 3 + c] = (v / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        assertThat(max).as("max |difference| to the independent computation").isLessThan(1e-4);
    }
}
