package io.framewise.app.pipeline;

import java.util.List;

import io.framewise.inference.Prediction;

/** What classifying one frame produced, with the time each stage took. */
public record Analysis(List<Prediction> predictions, long decodeNanos, long preprocessNanos, long inferenceNanos,
                       int width, int height) {
}
