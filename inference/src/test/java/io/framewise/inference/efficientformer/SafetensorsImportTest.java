package io.framewise.inference.efficientformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.efficientformer.weights.EvaluationCrop;
import io.framewise.inference.efficientformer.weights.GoldenWeights;
import io.framewise.inference.efficientformer.weights.Safetensors;
import io.framewise.inference.efficientformer.weights.SafetensorsHalf;
import io.framewise.inference.efficientformer.weights.StateDictWeights;
import io.framewise.inference.efficientformer.weights.WeightException;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Weight files as published: every tensor of timm's state dict (counters and index tables included) with the golden
 * values, under timm's names and under the official repository's names. Both must reproduce the goldens.
 */
class SafetensorsImportTest {
    @TempDir
    Path temp;

    /** Writes the variant's full state dict with golden values; {@code rename} maps timm names to the file's names. */
    static Path goldenFile(Path file, Variant v, UnaryOperator<String> rename, boolean officialLayerScaleShape) throws IOException {
        GoldenWeights golden = new GoldenWeights();
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (TimmKeys k : TimmKeys.of(v)) {
            String name = rename.apply(k.name());
            if (!k.isFloat()) {
                long[] values = new long[(int) k.elements()];
                if (k.name().endsWith("attention_bias_idxs")) {
                    int[][] idx = AttentionCore.relativeIndex(7, 1);
                    for (int i = 0; i < values.length; i++) {
                        values[i] = idx[i / 49][i % 49];
                    }
                }
                tensors.put(name, Safetensors.Tensor.i64(k.shape(), values));
                continue;
            }
            long[] shape = officialLayerScaleShape && k.name().endsWith(".gamma") ? new long[] {k.shape()[0], 1, 1} : k.shape();
            tensors.put(name, Safetensors.Tensor.f32(shape, golden.tensor(k.name(), k.shape())));
        }
        Safetensors.write(file, tensors);
        return file;
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"EFFICIENTFORMER_L1", "EFFICIENTFORMERV2_S0"})
    void aTimmSafetensorsFileReproducesTheGoldens(Variant v) throws IOException {
        Path file = goldenFile(temp.resolve("model.safetensors"), v, UnaryOperator.identity(), false);
        StateDictWeights weights = StateDictWeights.open(file, v.version() == Variant.Version.V2);
        GoldenProbe.Result r = GoldenProbe.run(v, weights, true);
        assertThat(GoldenProbe.maxDeviation(r.logits(), Reference.golden(v))).isLessThanOrEqualTo(1e-3);
        assertThat(weights.evaluationCrop()).as("weights published for timm: timm's crop").isEqualTo(EvaluationCrop.TIMM);
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"EFFICIENTFORMER_L1", "EFFICIENTFORMERV2_S0"})
    void aFileWithTheOfficialRepositorysNamesReproducesTheGoldens(Variant v) throws IOException {
        boolean v2 = v.version() == Variant.Version.V2;
        Path file = goldenFile(temp.resolve("official.safetensors"), v, name -> toOfficial(name, v2), v2);
        StateDictWeights weights = StateDictWeights.open(file, v2);
        GoldenProbe.Result r = GoldenProbe.run(v, weights, true);
        assertThat(GoldenProbe.maxDeviation(r.logits(), Reference.golden(v))).isLessThanOrEqualTo(1e-3);
        assertThat(weights.evaluationCrop()).as("official checkpoint: the official evaluation's crop")
                .isEqualTo(EvaluationCrop.OFFICIAL);
    }

    @Test
    void missingExtraAndMisShapedTensorsAreAllNamed() throws IOException {
        Variant v = Variant.EFFICIENTFORMER_L1;
        Path good = goldenFile(temp.resolve("good.safetensors"), v, UnaryOperator.identity(), false);
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (var e : Safetensors.read(good).entrySet()) {
            byte[] bytes = new byte[e.getValue().data().remaining()];
            e.getValue().data().duplicate().get(bytes);
            tensors.put(e.getKey(), new Safetensors.Tensor(e.getValue().dtype(), e.getValue().shape(), bytes));
        }
        tensors.remove("stages.2.blocks.3.mlp.fc1.bias");
        tensors.put("stages.9.blocks.0.extra.weight", Safetensors.Tensor.f32(new long[] {2}, new float[] {1, 2}));
        tensors.put("head.bias", Safetensors.Tensor.f32(new long[] {999}, new float[999]));
        Path bad = temp.resolve("bad.safetensors");
        Safetensors.write(bad, tensors);

        assertThatThrownBy(() -> GoldenProbe.run(v, StateDictWeights.open(bad, false), true))
                .isInstanceOf(WeightException.class)
                .hasMessageContaining("3 problems")
                .hasMessageContaining("missing stages.2.blocks.3.mlp.fc1.bias [896]")
                .hasMessageContaining("unexpected stages.9.blocks.0.extra.weight")
                .hasMessageContaining("mis-shaped head.bias: file has [999], the network needs [1000]");
    }

    /**
     * A fine-tuned checkpoint: its own 5 classes, no distillation head. Checked against the reference, independently
     * of the loader: the reference's output is the mean of its two heads, which is linear in their weights, so a
     * single head whose rows are the mean of the reference's {@code head} and {@code head_dist} rows r1..r5 must give
     * the reference's logits at r1..r5 (golden-logits.json).
     */
    @Test
    void aFineTunedCheckpointWithItsOwnClassesAndNoDistillationHeadExportsAndServes() throws IOException {
        Variant v = Variant.EFFICIENTFORMERV2_S0;
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        GoldenWeights golden = new GoldenWeights();
        int width = v.width(3);
        for (TimmKeys k : TimmKeys.of(v)) {
            if (!k.isFloat() || k.name().startsWith("head")) {
                continue;
            }
            tensors.put(k.name(), Safetensors.Tensor.f32(k.shape(), golden.tensor(k.name(), k.shape())));
        }
        int[] rows = {0, 17, 409, 740, 999};
        float[] wHead = golden.tensor("head.weight", new long[] {1000, width});
        float[] wDist = golden.tensor("head_dist.weight", new long[] {1000, width});
        float[] bHead = golden.tensor("head.bias", new long[] {1000});
        float[] bDist = golden.tensor("head_dist.bias", new long[] {1000});
        float[] w = new float[rows.length * width];
        float[] b = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < width; j++) {
                w[i * width + j] = (wHead[rows[i] * width + j] + wDist[rows[i] * width + j]) / 2;
            }
            b[i] = (bHead[rows[i]] + bDist[rows[i]]) / 2;
        }
        tensors.put("head.weight", Safetensors.Tensor.f32(new long[] {rows.length, width}, w));
        tensors.put("head.bias", Safetensors.Tensor.f32(new long[] {rows.length}, b));
        Path file = temp.resolve("finetuned.safetensors");
        Safetensors.write(file, tensors);

        Path dir = temp.resolve("finetuned");
        var labels = List.of("cat", "dog", "car", "bus", "tree");
        var metadata = EfficientFormer.export(dir, v, StateDictWeights.open(file, true), labels, "finetuned");
        assertThat(metadata.numClasses()).isEqualTo(5);
        assertThat(metadata.parameters()).isEqualTo(v.referenceParameters() - 2L * (1000 * width + 1000) + (5L * width + 5));
        var reference = Reference.golden(v).get("logits");
        try (var classifier = FrameClassifier.load(dir, InferenceOptions.defaults())) {
            float[] input = GoldenWeights.inputNhwc(224);
            var batch = ByteBuffer.allocateDirect(4 * input.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
            batch.put(input).flip();
            float[] logits = classifier.run(batch, 1)[0];
            assertThat(logits).hasSize(rows.length);
            for (int i = 0; i < rows.length; i++) {
                assertThat((double) logits[i]).as("logit of %s (reference class %d)", labels.get(i), rows[i])
                        .isCloseTo(reference.get(rows[i]).asDouble(), Offset.offset(1e-3));
            }
        }
    }

    @Test
    void notASafetensorsFileIsRefusedClearly() throws IOException {
        Path junk = temp.resolve("junk.safetensors");
        Files.write(junk, new byte[] {(byte) 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> Safetensors.read(junk)).isInstanceOf(IOException.class).hasMessageContaining("not a safetensors file");
    }

    @Test
    void halfPrecisionValuesConvert() {
        assertThat(SafetensorsHalf.toFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(SafetensorsHalf.toFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(SafetensorsHalf.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    }

    /** timm -> official names, written from the official repositories' module structure (independent of the loader). */
    static String toOfficial(String timm, boolean v2) {
        String k = timm;
        if (v2) {
            k = k.replace("stem.conv1.conv.", "patch_embed.0.").replace("stem.conv1.bn.", "patch_embed.1.")
                    .replace("stem.conv2.conv.", "patch_embed.3.").replace("stem.conv2.bn.", "patch_embed.4.");
            k = k.replace("stages.1.downsample.conv.conv.", "network.1.proj.").replace("stages.1.downsample.conv.bn.", "network.1.norm.")
                    .replace("stages.2.downsample.conv.conv.", "network.3.proj.").replace("stages.2.downsample.conv.bn.", "network.3.norm.")
                    .replace("stages.3.downsample.conv.conv.", "network.5.conv.").replace("stages.3.downsample.conv.bn.", "network.5.bn.")
                    .replace("stages.3.downsample.attn.", "network.5.attn.");
            k = k.replace(".q.local.", ".q.local.0.").replace(".q.proj.conv.", ".q.proj.0.").replace(".q.proj.bn.", ".q.proj.1.");
            for (String m : new String[] {"q", "k", "v", "v_local", "stride_conv"}) {
                k = k.replace("." + m + ".conv.", "." + m + ".0.").replace("." + m + ".bn.", "." + m + ".1.");
            }
            k = k.replace(".proj.conv.", ".proj.1.").replace(".proj.bn.", ".proj.2.");
            k = k.replace(".mlp.fc1.conv.", ".mlp.fc1.").replace(".mlp.fc1.bn.", ".mlp.norm1.")
                    .replace(".mlp.mid.conv.", ".mlp.mid.").replace(".mlp.mid.bn.", ".mlp.mid_norm.")
                    .replace(".mlp.fc2.conv.", ".mlp.fc2.").replace(".mlp.fc2.bn.", ".mlp.norm2.");
        } else {
            k = k.replace("stem.conv1.", "patch_embed.0.").replace("stem.norm1.", "patch_embed.1.")
                    .replace("stem.conv2.", "patch_embed.3.").replace("stem.norm2.", "patch_embed.4.");
            for (int s = 1; s <= 3; s++) {
                k = k.replace("stages." + s + ".downsample.conv.", "network." + (2 * s - 1) + ".proj.")
                        .replace("stages." + s + ".downsample.norm.", "network." + (2 * s - 1) + ".norm.");
            }
        }
        for (int s = 0; s <= 3; s++) {
            k = k.replace("stages." + s + ".blocks.", "network." + 2 * s + ".");
        }
        k = k.replace(".ls1.gamma", ".layer_scale_1").replace(".ls2.gamma", ".layer_scale_2");
        return k.replace("head_dist.", "dist_head.");
    }
}
