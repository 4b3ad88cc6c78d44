package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.ImageDecoder;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.PreprocessSpec;
import io.framewise.decoder.PreprocessSpec.Interpolation;
import io.framewise.decoder.Preprocessor;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.inference.CpuFeatures;
import io.framewise.schema.Codec;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What a frame costs before inference, per frame size, on one thread: JPEG decoding, and preprocessing to the
 * EfficientFormer input (224, crop 0.875) with Pillow's antialiased bicubic (the reference) and with OpenCV's
 * approximate {@code INTER_CUBIC} (what framewise used before). Warm-up iterations are excluded.
 */
public final class PreprocessMeasurement {

    /** Milliseconds per frame: p50 and p99 of each step. */
    public record Row(int width, int height, int jpegBytes, Percentiles decodeMs, Percentiles pillowMs, Percentiles opencvMs) {
    }

    /** The frame sizes {@code bench preprocess} measures. */
    public static final List<int[]> SIZES = List.of(new int[] {640, 480}, new int[] {1280, 720}, new int[] {1920, 1080});

    private PreprocessMeasurement() {
    }

    /** {@code bench preprocess}: every size of {@link #SIZES}, {@code iterations} frames each after warm-up. */
    public static BenchReport report(int iterations, PrintWriter log) {
        ProgressBar progress = new ProgressBar(log, "bench preprocess", SIZES.size());
        List<Row> rows = run(SIZES, iterations, progress);
        progress.finish();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "per frame, one thread, %d frames each after warm-up; CPU %s%n", iterations,
                CpuFeatures.modelName()));
        text.append(String.format(Locale.ROOT, "%-10s %8s %18s %26s %26s%n", "frame", "JPEG KB", "decode p50/p99 ms",
                "Pillow bicubic p50/p99 ms", "OpenCV cubic p50/p99 ms"));
        for (Row r : rows) {
            text.append(String.format(Locale.ROOT, "%-10s %8.1f %9.2f / %6.2f %17.2f / %6.2f %17.2f / %6.2f%n",
                    r.width() + "x" + r.height(), r.jpegBytes() / 1024.0, r.decodeMs().p50(), r.decodeMs().p99(),
                    r.pillowMs().p50(), r.pillowMs().p99(), r.opencvMs().p50(), r.opencvMs().p99()));
        }
        ObjectNode json = Machine.report("preprocess");
        json.put("iterations", iterations);
        json.putPOJO("rows", rows);
        return new BenchReport.Finished(text.toString(), json, true);
    }

    public static List<Row> run(List<int[]> sizes, int iterations, ProgressBar progress) {
        List<Row> rows = new ArrayList<>();
        ImageDecoder decoder = new ImageDecoder(100_000_000L);
        Preprocessor pillow = new Preprocessor(spec(Interpolation.BICUBIC));
        Preprocessor opencv = new Preprocessor(spec(Interpolation.OPENCV_BICUBIC_APPROXIMATE));
        FloatBuffer out = ByteBuffer.allocateDirect(4 * 224 * 224 * 3).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int[] size : sizes) {
            byte[] jpeg;
            try (SyntheticScene scene = new SyntheticScene(size[0], size[1], 0, "bench", 1)) {
                Mat image = scene.next();
                jpeg = new ImageEncoder(Codec.JPEG, 85).encode(image);
            }
            int warmup = Math.max(20, iterations / 5);
            double[][] ms = new double[3][iterations];
            for (int i = -warmup; i < iterations; i++) {
                long t0 = System.nanoTime();
                try (DecodedImage decoded = decoder.decode(Codec.JPEG, ByteBuffer.wrap(jpeg), size[0], size[1])) {
                    long t1 = System.nanoTime();
                    pillow.preprocess(decoded, out);
                    long t2 = System.nanoTime();
                    opencv.preprocess(decoded, out);
                    long t3 = System.nanoTime();
                    if (i >= 0) {
                        ms[0][i] = (t1 - t0) / 1e6;
                        ms[1][i] = (t2 - t1) / 1e6;
                        ms[2][i] = (t3 - t2) / 1e6;
                    }
                }
            }
            rows.add(new Row(size[0], size[1], jpeg.length, Percentiles.of(ms[0]), Percentiles.of(ms[1]), Percentiles.of(ms[2])));
            progress.step(size[0] + "x" + size[1]);
        }
        return rows;
    }

    private static PreprocessSpec spec(Interpolation interpolation) {
        return new PreprocessSpec(224, 224, PreprocessSpec.Resize.SHORT_SIDE_CENTER_CROP, 0.875, interpolation,
                PreprocessSpec.ChannelOrder.RGB, PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);
    }

}
