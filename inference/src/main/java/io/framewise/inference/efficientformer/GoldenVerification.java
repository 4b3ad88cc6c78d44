package io.framewise.inference.efficientformer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.TopK;
import io.framewise.inference.efficientformer.weights.GoldenWeights;
import io.framewise.inference.export.Directories;
import io.framewise.inference.export.ModelExporter;

/**
 * Proves a build of a variant is the reference network: export it with the golden weights, reload the SavedModel as
 * it is served, run the golden input and compare with the reference logits ({@code golden-logits.json}).
 */
public final class GoldenVerification {
    public static final double TOLERANCE = 1e-3;

    public record Report(Variant variant, double maxDeviation, int argmax, int referenceArgmax, long parameters,
                         long referenceParameters, long exportBytes) {
        public boolean passed() {
            return maxDeviation <= TOLERANCE && argmax == referenceArgmax && parameters == referenceParameters;
        }
    }

    private GoldenVerification() {
    }

    public static Report verify(Variant v, ReferenceGoldens reference, Path workDir) throws IOException {
        JsonNode golden = reference.of(v);
        Path dir = workDir.resolve(v.timmName() + "-golden");
        List<String> labels = IntStream.range(0, Variant.NUM_CLASSES).mapToObj(i -> "class " + i).toList();
        var metadata = EfficientFormer.export(dir, v, new GoldenWeights(), labels, "golden");
        float[] logits;
        try (FrameClassifier classifier = FrameClassifier.load(dir, InferenceOptions.defaults())) {
            float[] input = GoldenWeights.inputNhwc(Variant.INPUT_SIZE);
            FloatBuffer batch = ByteBuffer.allocateDirect(4 * input.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
            batch.put(input).flip();
            logits = classifier.run(batch, 1)[0];
        }
        double max = 0;
        for (int i = 0; i < logits.length; i++) {
            max = Math.max(max, Math.abs(logits[i] - golden.get("logits").get(i).asDouble()));
        }
        long bytes = ModelExporter.sizeOnDisk(dir);
        Directories.deleteQuietly(dir);
        return new Report(v, max, TopK.indices(logits, 1)[0], golden.get("argmax").asInt(), metadata.parameters(),
                golden.get("params_incl_dist_head").asLong(), bytes);
    }
}
