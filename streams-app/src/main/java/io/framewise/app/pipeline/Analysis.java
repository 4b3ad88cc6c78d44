package io.framewise.app.pipeline;

import java.util.List;

import io.framewise.inference.Prediction;

/**
 * What classifying one frame produced, with the time each stage took.
 *
 * @param batchWaitNanos time in the engine's queue before its batch started
 */
public record Analysis(List<Prediction> predictions, long decodeNanos, long preprocessNanos,
                       long batchWaitNanos, long inferenceNanos, int batchSize) {
}
