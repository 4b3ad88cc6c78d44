package io.framewise.inference.efficientformer;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.TopK;
import io.framewise.inference.efficientformer.weights.GoldenWeights;
import io.framewise.inference.export.ModelExporter;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every variant, built with the golden weights, folded and exported as a SavedModel, reloaded by the classifier that
 * serves it, reproduces the reference logits; the unfolded in-memory graph reproduces the stage sums and agrees
 * with the folded one.
 */
class GoldenSavedModelTest {
    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"EFFICIENTFORMER_L7", "EFFICIENTFORMERV2_L"}, mode = EnumSource.Mode.EXCLUDE)
    void exportedModelReproducesTheGoldens(Variant v) throws IOException {
        check(v);
    }

    @Tag("slow")
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"EFFICIENTFORMER_L7", "EFFICIENTFORMERV2_L"})
    void largestVariantsReproduceTheGoldens(Variant v) throws IOException {
        check(v);
    }

    private void check(Variant v) throws IOException {
        JsonNode golden = Reference.golden(v);
        GoldenProbe.Result unfolded = GoldenProbe.run(v, false);
        unfolded.stageSums().forEach((stage, sum) -> {
            double reference = golden.get("stage_sums").get(stage).asDouble();
            assertThat(sum).as(stage + " sum").isCloseTo(reference, Offset.offset(1e-4 * Math.abs(reference) + 1e-3));
        });

        Path dir = temp.resolve(v.timmName());
        List<String> labels = IntStream.range(0, 1000).mapToObj(i -> "class " + i).toList();
        ModelMetadata metadata = EfficientFormer.export(dir, v, new GoldenWeights(), labels, "golden");
        assertThat(metadata.parameters()).isEqualTo(v.referenceParameters());

        float[] logits;
        try (FrameClassifier classifier = FrameClassifier.load(dir, InferenceOptions.defaults())) {
            float[] input = GoldenWeights.inputNhwc(224);
            FloatBuffer batch = ByteBuffer.allocateDirect(4 * input.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
            batch.put(input).flip();
            logits = classifier.run(batch, 1)[0];
        }
        double maxGolden = GoldenProbe.maxDeviation(logits, golden);
        double maxFolding = 0;
        for (int i = 0; i < 1000; i++) {
            maxFolding = Math.max(maxFolding, Math.abs(logits[i] - unfolded.logits()[i]));
        }
        assertThat(maxGolden).as("max |logit - golden| of the exported model").isLessThanOrEqualTo(1e-3);
        assertThat(maxFolding).as("folded (exported) vs unfolded graph").isLessThanOrEqualTo(1e-4);
        assertThat(TopK.indices(logits, 1)[0]).isEqualTo(golden.get("argmax").asInt());
        int[] top5 = TopK.indices(logits, 5);
        for (int i = 0; i < 5; i++) {
            assertThat(top5[i]).isEqualTo(golden.get("top5").get(i).asInt());
        }

        long size = ModelExporter.sizeOnDisk(dir);
        assertThat(size).as("SavedModel directory size: weights stored once").isLessThan((long) (1.2 * 4 * v.referenceParameters()));
    }
}
