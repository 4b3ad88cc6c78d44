package io.framewise.inference.efficientformer;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.framewise.inference.efficientformer.weights.GoldenWeights;
import io.framewise.inference.efficientformer.weights.WeightSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Runs a variant in memory on the golden input, returning logits, stage sums and counts; main() prints a report. */
final class GoldenProbe {
    record Result(float[] logits, Map<String, Double> stageSums, long parameters, long macs) {
    }

    static Result run(Variant v, boolean fold) {
        return run(v, new GoldenWeights(), fold);
    }

    static Result run(Variant v, WeightSource weights, boolean fold) {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> images = EfficientFormer.imagesPlaceholder(tf);
            Outputs out = EfficientFormer.build(tf, images, v, weights, fold);
            try (TFloat32 input = TFloat32.tensorOf(Shape.of(1, 224, 224, 3), DataBuffers.of(GoldenWeights.inputNhwc(224)))) {
                var runner = s.runner().feed(images, input).fetch(out.logits());
                out.stages().values().forEach(runner::fetch);
                try (var result = runner.run()) {
                    float[] logits = new float[1000];
                    ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(logits);
                    Map<String, Double> sums = new LinkedHashMap<>();
                    int i = 1;
                    for (String name : out.stages().keySet()) {
                        Tensor t = result.get(i++);
                        float[] values = new float[(int) t.shape().size()];
                        ((TFloat32) t).asRawTensor().data().asFloats().read(values);
                        double sum = 0;
                        for (float f : values) {
                            sum += f;
                        }
                        sums.put(name, sum);
                    }
                    return new Result(logits, sums, out.parameters(), out.macs());
                }
            }
        }
    }

    static double maxDeviation(float[] logits, JsonNode golden) {
        double max = 0;
        for (int i = 0; i < 1000; i++) {
            max = Math.max(max, Math.abs(logits[i] - golden.get("logits").get(i).asDouble()));
        }
        return max;
    }

    public static void main(String[] args) throws Exception {
        for (String name : args) {
            Variant v = Variant.parse(name);
            long t0 = System.nanoTime();
            Result r = run(v, true);
            JsonNode golden = Reference.golden(v);
            System.out.printf("%s: params %d (ref %d), GMACs %.4f (ref %.2f), max|dlogit| %.3g, %d ms%n", v.timmName(),
                    r.parameters(), v.referenceParameters(), r.macs() / 1e9, v.referenceGmacs(),
                    maxDeviation(r.logits(), golden), (System.nanoTime() - t0) / 1_000_000);
            r.stageSums().forEach((k, s) -> System.out.printf("   %-9s %14.4f  golden %14.4f%n", k, s,
                    golden.get("stage_sums").get(k).asDouble()));
        }
    }
}
