package io.framewise.inference.batch;

import java.nio.FloatBuffer;
import java.util.List;

/** Runs one batch: one output row per input image, in input order. {@code FrameClassifier::run} is the real one. */
@FunctionalInterface
public interface BatchRunner {
    float[][] run(List<FloatBuffer> images);
}
