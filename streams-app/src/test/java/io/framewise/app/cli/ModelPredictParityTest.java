package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.framewise.decoder.PreprocessSpec;
import io.framewise.inference.Npy;
import io.framewise.inference.efficientformer.EfficientFormer;
import io.framewise.inference.efficientformer.Variant;
import io.framewise.inference.efficientformer.weights.GoldenWeights;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, a photo through {@code model predict --image} against the reference: the network with the golden
 * weights (proven equal to the reference network by the golden tests) applied to the tensor the reference
 * preprocessing makes of the same photo (Debian's Pillow, as torchvision does it; see the frame-decoder's
 * {@code pil_reference.py}). Needs {@code /usr/bin/python3} with {@code python3-pil} ({@code .ci/run} installs it).
 */
class ModelPredictParityTest {
    private static final String PYTHON = System.getenv().getOrDefault("FRAMEWISE_PYTHON", "/usr/bin/python3");

    @TempDir
    Path temp;

    @Test
    void predictOnAPhotoGivesTheReferenceNetworksLogitsOnTheReferenceTensor() throws Exception {
        Variant v = Variant.EFFICIENTFORMERV2_S0;
        Path model = temp.resolve("golden");
        EfficientFormer.export(model, v, new GoldenWeights(),
                IntStream.range(0, Variant.NUM_CLASSES).mapToObj(i -> "class " + i).toList(), "golden");
        Path photo = temp.resolve("street.png");
        Files.write(photo, photo(1280, 720));

        // the reference tensor: Pillow's resize + crop, then ToTensor and Normalize
        Path rgb = temp.resolve("ref.rgb");
        Process p = new ProcessBuilder(PYTHON, Path.of("..", "frame-decoder", "src", "test", "python", "pil_reference.py").toString(),
                "bicubic", "256", "224", photo.toString(), rgb.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the reference needs %s with python3-pil:%n%s", PYTHON, out).isZero();
        byte[] pixels = Files.readAllBytes(rgb);
        float[] tensor = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            int c = i % 3;
            tensor[i] = ((pixels[i] & 0xff) / 255f - PreprocessSpec.IMAGENET_MEAN[c]) / PreprocessSpec.IMAGENET_STD[c];
        }
        Path npy = temp.resolve("ref.npy");
        Npy.writeFloat32(npy, new long[] {1, 224, 224, 3}, tensor);

        double[] reference = logits(CommandLineIT.framewise("model", "predict", model.toString(), "--tensor", npy.toString(), "--json"));
        double[] ours = logits(CommandLineIT.framewise("model", "predict", model.toString(), "--image", photo.toString(), "--json"));
        double max = 0;
        for (int i = 0; i < reference.length; i++) {
            max = Math.max(max, Math.abs(reference[i] - ours[i]));
        }
        System.out.printf("predict --image vs reference tensor: max |dlogit| %.2e%n", max);
        assertThat(ours).hasSize(Variant.NUM_CLASSES);
        assertThat(max).as("max |logit difference|").isLessThanOrEqualTo(1e-3);
    }

    private static double[] logits(CommandLineIT.Run run) throws Exception {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).hasSize(1);
        JsonNode logits = new ObjectMapper().readTree(lines.get(0)).get("logits");
        double[] values = new double[logits.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = logits.get(i).asDouble();
        }
        return values;
    }

    /** A textured street-like scene, lossless, so both sides decode the same pixels. */
    private static byte[] photo(int width, int height) {
        SplittableRandom random = new SplittableRandom(11);
        try (Mat m = new Mat(height, width, CV_8UC3); BytePointer buf = new BytePointer()) {
            try (UByteIndexer idx = m.createIndexer()) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        for (int c = 0; c < 3; c++) {
                            double v = y < height / 2 ? 150 + 80.0 * y / height + 10 * c
                                    : 128 + 80 * Math.sin(x * 1.9 + c) * Math.cos(y * 0.7) + random.nextInt(-30, 31);
                            idx.put(y, x, c, (int) Math.max(0, Math.min(255, v)));
                        }
                    }
                }
            }
            imencode(".png", m, buf);
            byte[] png = new byte[(int) buf.limit()];
            buf.get(png);
            return png;
        }
    }
}
