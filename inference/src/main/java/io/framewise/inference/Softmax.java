package io.framewise.inference;

/** Numerically stable softmax (the maximum is subtracted before exponentiating). */
public final class Softmax {
    private Softmax() {
    }

    public static void inPlace(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            double e = Math.exp(values[i] - max);
            values[i] = (float) e;
            sum += e;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (values[i] / sum);
        }
    }
}
