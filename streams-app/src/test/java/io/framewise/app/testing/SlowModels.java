package io.framewise.app.testing;

import io.framewise.inference.FrameClassifier;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModel;

/**
 * A real model made deterministically slow: its batches take at least a given time on any machine, so that a
 * broker-backed test of the budget's policies controls the model's speed instead of depending on the machine's.
 */
public final class SlowModels {
    private SlowModels() {
    }

    /** {@code classifier} served with batches of up to {@code maxBatch}, each taking at least {@code batchMs}. */
    public static ServedModel serve(FrameClassifier classifier, long batchMs, int maxBatch) {
        return ServedModel.of(classifier).runner(images -> {
            try {
                Thread.sleep(batchMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return classifier.run(images);
        }).maxBatch(maxBatch).maxWaitMs(1).probeAfterNanos(FakeModels.NO_PROBES).start();
    }
}
