package io.framewise.inference.efficientformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.framewise.inference.efficientformer.weights.SeededWeights;
import io.framewise.inference.efficientformer.weights.WeightSource;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

/** The variant table, the tensor names and the stage shapes of every variant, against the reference. */
class EfficientFormerVariantsTest {

    /** Records what the network asks for. */
    static final class Recording implements WeightSource {
        final Map<String, long[]> requested = new HashMap<>();
        private final WeightSource inner = new SeededWeights(1);

        @Override
        public float[] tensor(String key, long[] shape) {
            requested.put(key, shape);
            return inner.tensor(key, shape);
        }

        @Override
        public String describe() {
            return "recording";
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"EFFICIENTFORMER_L1", "EFFICIENTFORMERV2_S0"})
    void graphNodesAreNamedAfterTheirTimmWeights(Variant v) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            EfficientFormer.build(tf, EfficientFormer.imagesPlaceholder(tf), v, new SeededWeights(1), true);
            List<String> names = new ArrayList<>();
            List<String> contractions = new ArrayList<>();
            g.operations().forEachRemaining(op -> {
                names.add(op.name());
                if (Set.of("Conv2D", "DepthwiseConv2dNative", "MatMul", "BatchMatMulV3", "Softmax").contains(op.type())) {
                    contractions.add(op.name());
                }
            });
            // every convolution, linear layer, attention product and softmax sits in a scope named after its timm key
            assertThat(contractions).isNotEmpty()
                    .allSatisfy(n -> assertThat(n).matches("(stem|stages|head)[a-z0-9_.]*/[A-Za-z0-9_]+"));
            if (v.version() == Variant.Version.V1) {
                // the last block of the last stage (timm's index: its Flat() takes one before the attention blocks)
                assertThat(names).contains("stages.3.blocks." + v.depth(3) + ".token_mixer/Softmax");
            }
            String fc1 = v.version() == Variant.Version.V2 ? "stages.2.blocks.0.mlp.fc1.conv/Conv2d" : "stages.2.blocks.0.mlp.fc1/Conv2d";
            assertThat(names).contains(fc1);
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void parametersMacsTensorNamesAndStageShapesMatchTheReference(Variant v) throws IOException {
        Recording weights = new Recording();
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Outputs out = EfficientFormer.build(tf, EfficientFormer.imagesPlaceholder(tf), v, weights, true);

            JsonNode golden = Reference.golden(v);
            assertThat(out.parameters()).as("parameters incl. both heads").isEqualTo(v.referenceParameters())
                    .isEqualTo(golden.get("params_incl_dist_head").asLong());
            assertThat(out.macs() / 1e9).as("GMACs").isCloseTo(v.referenceGmacs(), Percentage.withPercentage(1));

            Map<String, long[]> expected = TimmKeys.of(v).stream()
                    .filter(k -> !k.name().endsWith("num_batches_tracked") && !k.name().endsWith("attention_bias_idxs"))
                    .collect(Collectors.toMap(TimmKeys::name, TimmKeys::shape));
            assertThat(weights.requested.keySet()).as("tensor names").containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((name, shape) -> assertThat(weights.requested.get(name)).as(name).containsExactly(shape));

            JsonNode shapes = golden.get("stage_shapes_nchw_or_tokens");
            out.stages().forEach((stage, tensor) -> {
                long[] reference = new long[shapes.get(stage).size()];
                for (int i = 0; i < reference.length; i++) {
                    reference[i] = shapes.get(stage).get(i).asLong();
                }
                long[] nhwc = tensor.shape().asArray();
                long[] ours = nhwc.length == 4 ? new long[] {1, nhwc[3], nhwc[1], nhwc[2]} : new long[] {1, nhwc[1], nhwc[2]};
                assertThat(ours).as(stage + " shape " + Arrays.toString(nhwc)).containsExactly(reference);
            });
        }
    }

    @Test
    void variantNamesAcceptTimmAndShortSpellings() {
        assertThat(Variant.parse("efficientformer_l1")).isEqualTo(Variant.EFFICIENTFORMER_L1);
        assertThat(Variant.parse("L7")).isEqualTo(Variant.EFFICIENTFORMER_L7);
        assertThat(Variant.parse("v2-s0")).isEqualTo(Variant.EFFICIENTFORMERV2_S0);
        assertThat(Variant.parse("efficientformerv2_l")).isEqualTo(Variant.EFFICIENTFORMERV2_L);
        assertThatThrownBy(() -> Variant.parse("l5")).hasMessageContaining("unknown EfficientFormer variant")
                .hasMessageContaining("efficientformerv2_s1");
    }
}
