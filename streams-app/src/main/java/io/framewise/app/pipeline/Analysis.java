package io.framewise.app.pipeline;

import java.util.List;

import io.framewise.inference.Prediction;
import io.framewise.inference.serving.ServedModel;
import io.framewise.inference.serving.SkipReason;

/**
 * What became of one frame in the {@link FrameAnalyzer}, with the time each stage took: classified by
 * {@code model}, or skipped for one {@link SkipReason}, either before any work was spent on it or, once prepared,
 * when its batch was formed.
 *
 * @param model          the model that answered, or the primary when none did
 * @param predictions    the top classes; null when skipped
 * @param batchWaitNanos time in the engine's queue before its batch started (or it was shed)
 * @param decodedAs      what the payload turned out to be when it was not what the frame declared (e.g. "PNG
 *                       (declared JPEG)"), else null
 * @param skip           why it was not classified; null when it was
 * @param detail         what the skip's reason alone does not say (e.g. which access unit a video camera lost); null
 *                       when the reason says it all
 */
public record Analysis(ServedModel model, List<Prediction> predictions, long decodeNanos, long preprocessNanos,
                       long batchWaitNanos, long inferenceNanos, int batchSize, String decodedAs, SkipReason skip,
                       String detail) {

    static Analysis skipped(ServedModel model, SkipReason reason) {
        return skipped(model, reason, null, 0);
    }

    static Analysis skipped(ServedModel model, SkipReason reason, String detail, long decodeNanos) {
        return new Analysis(model, null, decodeNanos, 0, 0, 0, 0, null, reason, detail);
    }

    public boolean classified() {
        return skip == null;
    }
}
