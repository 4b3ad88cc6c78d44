package io.framewise.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * What a model's raw output row becomes for a reader: class probabilities (a softmax when the model outputs logits,
 * as its {@link ModelMetadata} says) and the most probable classes with their labels. Built from the model
 * directory's metadata and labels, so that every caller (the pipeline, {@code model predict}, the tests) reads
 * outputs the same way; the classifier itself only runs the model.
 */
public final class PostProcessor {
    private final boolean logits;
    private final List<String> labels;

    private PostProcessor(boolean logits, List<String> labels) {
        this.logits = logits;
        this.labels = List.copyOf(labels);
    }

    public static PostProcessor of(ModelMetadata metadata, List<String> labels) {
        if (labels.size() != metadata.numClasses()) {
            throw new IllegalArgumentException(labels.size() + " labels for a model of " + metadata.numClasses() + " classes");
        }
        return new PostProcessor(metadata.outputKind() == ModelMetadata.OutputKind.LOGITS, labels);
    }

    /** Class probabilities of one output row: a new array; {@code output} is left unchanged (logits stay logits). */
    public float[] probabilities(float[] output) {
        float[] p = output.clone();
        if (logits) {
            Softmax.inPlace(p);
        }
        return p;
    }

    /** Probabilities of each row, as {@link #probabilities(float[])}. */
    public float[][] probabilities(float[][] outputs) {
        float[][] p = new float[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            p[i] = probabilities(outputs[i]);
        }
        return p;
    }

    /** The {@code k} most probable classes of a row of probabilities, best first. */
    public List<Prediction> top(float[] probabilities, int k) {
        int[] order = TopK.indices(probabilities, Math.min(k, probabilities.length));
        List<Prediction> top = new ArrayList<>(order.length);
        for (int index : order) {
            top.add(new Prediction(index, labels.get(index), probabilities[index]));
        }
        return top;
    }

    /** The {@code k} most probable classes of a raw output row: {@link #probabilities} then {@link #top}. */
    public List<Prediction> predictions(float[] output, int k) {
        return top(probabilities(output), k);
    }
}
