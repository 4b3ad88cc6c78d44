package io.framewise.inference.efficientformer.weights;

import java.nio.charset.StandardCharsets;

/**
 * The deterministic weights of the reference goldens (the bundled {@code io/framewise/inference/reference/README.md}, section 3): for a tensor
 * {@code key} with n elements, {@code base[i] = sin(0.1 i + 0.01 s)} with s the UTF-8 byte sum of the key mod 997,
 * shaped per kind of tensor. Computed in double, then cast to float, like the reference.
 */
public final class GoldenWeights implements WeightSource {

    @Override
    public float[] tensor(String key, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        int s = 0;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            s += b & 0xFF;
        }
        s %= 997;
        double fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        double norm = Math.sqrt(fanIn);
        float[] out = new float[(int) n];
        for (int i = 0; i < n; i++) {
            double base = Math.sin(0.1 * i + 0.01 * s);
            double v;
            if (key.endsWith("running_var")) {
                v = 1 + 0.5 * base * base;
            } else if (key.endsWith("running_mean")) {
                v = 0.1 * base;
            } else if (key.endsWith("attention_biases")) {
                v = 0.5 * base;
            } else if (shape.length >= 2) {
                v = base / norm;
            } else if (key.endsWith(".gamma")) {
                v = 0.5 + 0.1 * base;
            } else if (key.endsWith(".weight")) {
                v = 1 + 0.1 * base;
            } else if (key.endsWith(".bias")) {
                v = 0.1 * base;
            } else {
                throw new WeightException("the golden formula has no rule for " + key);
            }
            out[i] = (float) v;
        }
        return out;
    }

    /** The golden input: NCHW [1, 3, 224, 224], element i = 1.5 sin(0.001 i), returned transposed to NHWC. */
    public static float[] inputNhwc(int size) {
        float[] nhwc = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int i = (c * size + y) * size + x;
                    nhwc[(y * size + x) * 3 + c] = (float) (1.5 * Math.sin(0.001 * i));
                }
            }
        }
        return nhwc;
    }

    @Override
    public String describe() {
        return "golden (deterministic reference formula)";
    }
}
