package io.framewise.inference.efficientformer.weights;

/**
 * Where the network's tensors come from. Keys and shapes are timm's (PyTorch layout: conv {@code [out, in, kh, kw]},
 * depthwise {@code [C, 1, kh, kw]}, linear {@code [out, in]}); values are row-major.
 */
public interface WeightSource {

    /**
     * The values of {@code key}, which the network expects to have {@code shape}. A source that lacks the key or has
     * it with another shape throws {@link WeightException}, or records the problem and returns placeholder values
     * when it reports all problems at once (see {@link StateDictWeights}).
     */
    float[] tensor(String key, long[] shape);

    /** Whether the source has {@code key}; sources that make up their values have every key. */
    default boolean has(String key) {
        return true;
    }

    /** Where the weights came from, for the model's metadata, e.g. "golden" or "file:model.safetensors". */
    String describe();

    /** The preprocessing crop the weights were evaluated with (made-up weights have none of their own). */
    default EvaluationCrop evaluationCrop() {
        return EvaluationCrop.NONE;
    }
}
