package io.framewise.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.framewise.decoder.PreprocessSpec.Interpolation;
import io.framewise.schema.Codec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Same photo, same tensor as the reference: the preprocessing of the pretrained weights' evaluation is torchvision's
 * Resize + CenterCrop on PIL images, and PIL's bicubic filter antialiases when it shrinks. Each case writes a
 * generated photograph-like PNG (lossless, so both sides decode the same pixels), runs Debian's Pillow on it
 * ({@code src/test/python/pil_reference.py}, at test time: nothing is committed that a script could not remake),
 * and compares the model input framewise computes, back in grey levels, with Pillow's crop.
 *
 * <p>Needs {@code /usr/bin/python3} with Debian's {@code python3-pil} ({@code .ci/run} installs it), or
 * {@code FRAMEWISE_PYTHON} naming another interpreter with Pillow; without one the test fails and says so.
 */
class PillowParityTest {
    private static final String PYTHON = System.getenv().getOrDefault("FRAMEWISE_PYTHON", "/usr/bin/python3");

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}x{1} {2} crop {3} {4}")
    @CsvSource({
        "640, 480, color, 0.875, BICUBIC",
        "1280, 720, color, 0.875, BICUBIC",
        "1920, 1080, color, 0.875, BICUBIC",
        "500, 375, color, 0.875, BICUBIC",
        "480, 640, color, 0.875, BICUBIC",
        "333, 517, color, 0.875, BICUBIC",
        "800, 600, gray, 0.875, BICUBIC",
        "1920, 1080, color, 0.95, BICUBIC",
        "1280, 720, color, 0.875, BILINEAR",
        "224, 224, color, 0.875, BICUBIC",
    })
    void theModelInputMatchesPillowsResizeAndCenterCrop(int width, int height, String kind, double crop, Interpolation filter)
            throws Exception {
        Path png = temp.resolve("photo.png");
        Files.write(png, png(photo(width, height, kind.equals("gray"), width * 31L + height)));
        PreprocessSpec spec = new PreprocessSpec(224, 224, PreprocessSpec.Resize.SHORT_SIDE_CENTER_CROP, crop, filter,
                PreprocessSpec.ChannelOrder.RGB, PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);
        int scale = (int) Math.floor(224 / crop);
        byte[] reference = pillow(filter.name().toLowerCase(Locale.ROOT), scale, png);

        float[] ours = preprocess(Files.readAllBytes(png), spec);
        double sum = 0;
        double max = 0;
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int i = 0; i < ours.length; i++) {
            int c = i % 3;
            double grey = (ours[i] * std[c] + mean[c]) * 255.0;
            double delta = Math.abs(Math.rint(grey) - (reference[i] & 0xff));
            sum += delta;
            max = Math.max(max, delta);
        }
        double meanDelta = sum / ours.length;
        System.out.printf(Locale.ROOT, "parity %dx%d %s crop %.3f %s: mean |d| %.4f, max |d| %.0f grey levels%n",
                width, height, kind, crop, filter, meanDelta, max);
        assertThat(meanDelta).as("mean |difference| in grey levels").isLessThanOrEqualTo(0.5);
        assertThat(max).as("max |difference| in grey levels").isLessThanOrEqualTo(2);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1920, 1080", "640, 480"})
    void opencvsBicubicIsNamedApproximateBecauseItIsNotTheReference(int width, int height) throws Exception {
        // the test above can fail: OpenCV's INTER_CUBIC (the former default) is measurably off on a shrink
        Path png = temp.resolve("photo.png");
        Files.write(png, png(photo(width, height, false, 5)));
        PreprocessSpec spec = new PreprocessSpec(224, 224, PreprocessSpec.Resize.SHORT_SIDE_CENTER_CROP, 0.875,
                Interpolation.OPENCV_BICUBIC_APPROXIMATE, PreprocessSpec.ChannelOrder.RGB, PreprocessSpec.IMAGENET_MEAN,
                PreprocessSpec.IMAGENET_STD);
        byte[] reference = pillow("bicubic", 256, png);
        float[] ours = preprocess(Files.readAllBytes(png), spec);
        double sum = 0;
        for (int i = 0; i < ours.length; i++) {
            int c = i % 3;
            sum += Math.abs((ours[i] * spec.std()[c] + spec.mean()[c]) * 255.0 - (reference[i] & 0xff));
        }
        System.out.printf(Locale.ROOT, "OpenCV INTER_CUBIC %dx%d vs Pillow: mean |d| %.2f grey levels%n", width, height,
                sum / ours.length);
        assertThat(sum / ours.length).isGreaterThan(1.0);
    }

    private static float[] preprocess(byte[] png, PreprocessSpec spec) {
        FloatBuffer out = ByteBuffer.allocateDirect(4 * spec.floatsPerImage()).order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (DecodedImage image = new ImageDecoder(100_000_000).decode(Codec.PNG, ByteBuffer.wrap(png), null, null)) {
            new Preprocessor(spec).preprocess(image, out);
        }
        float[] values = new float[spec.floatsPerImage()];
        out.get(values);
        return values;
    }

    private byte[] pillow(String filter, int scale, Path png) throws IOException, InterruptedException {
        Path script = Path.of("src", "test", "python", "pil_reference.py");
        Path out = temp.resolve("pil.rgb");
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), filter, String.valueOf(scale), "224",
                png.toString(), out.toString()));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("the reference needs " + PYTHON + " with Pillow: apt-get install python3-pil "
                    + "(or set FRAMEWISE_PYTHON)", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s %s failed (apt-get install python3-pil?):%n%s", PYTHON, script, output).isZero();
        byte[] rgb = Files.readAllBytes(out);
        assertThat(rgb).hasSize(224 * 224 * 3);
        return rgb;
    }

    /**
     * A photograph-like scene: smooth sky and ground gradients, hard-edged shapes, a fine texture (noise and gratings
     * of 2-3 pixel period, which alias badly under a resize that does not antialias) and per-channel variation.
     */
    static Mat photo(int width, int height, boolean gray, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Mat m = new Mat(height, width, gray ? CV_8UC1 : CV_8UC3);
        int channels = gray ? 1 : 3;
        int cx = width / 3;
        int cy = height / 2;
        int radius = Math.min(width, height) / 5;
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    boolean sky = y < height * 0.45;
                    boolean disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
                    boolean texture = x > width / 2 && y > height / 2;
                    for (int c = 0; c < channels; c++) {
                        double v;
                        if (disc) {
                            v = 200 - 40 * c + 10 * Math.sin(x * 0.05);
                        } else if (sky) {
                            v = 120 + 100.0 * y / height + 20 * c;
                        } else if (texture) {
                            v = 128 + 90 * Math.sin(x * 2.3 + c) * Math.cos(y * 1.7) + random.nextInt(-40, 41);
                        } else {
                            v = 60 + 80.0 * x / width - 15 * c + random.nextInt(-12, 13);
                        }
                        idx.put(y, x, c, (int) Math.max(0, Math.min(255, Math.round(v))));
                    }
                }
            }
        }
        return m;
    }

    static byte[] png(Mat image) {
        try (BytePointer buf = new BytePointer(); image) {
            if (!imencode(".png", image, buf)) {
                throw new IllegalStateException("PNG encoding failed");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }
}
