package io.framewise.inference.efficientformer.weights;

/** Weights that do not fit the network: the message names every offending tensor. */
public class WeightException extends RuntimeException {
    public WeightException(String message) {
        super(message);
    }
}
