package io.framewise.inference;

/** One class of a top-k answer. */
public record Prediction(int index, String label, float score) {
}
