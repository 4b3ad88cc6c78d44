package io.framewise.app.testing;

import io.framewise.app.pipeline.ModelRuntime;
import io.framewise.inference.FrameClassifier;

/**
 * A real model made deterministically slow: its batches take at least a given time on any machine, so that a test
 * of the budget's policies controls the model's speed instead of depending on the machine's.
 */
public final class SlowModels {
    /** No probe frames past the outlook: the policies are what such tests are about. */
    public static final long NO_PROBES = Long.MAX_VALUE / 4;

    private SlowModels() {
    }

    /** {@code classifier} served with batches of up to {@code maxBatch}, each taking at least {@code batchMs}. */
    public static ModelRuntime serve(FrameClassifier classifier, long batchMs, int maxBatch) {
        return ModelRuntime.start(classifier, images -> {
            try {
                Thread.sleep(batchMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return classifier.run(images);
        }, maxBatch, 1, NO_PROBES);
    }
}
