package io.framewise.app.pipeline;

import java.util.List;

import io.framewise.inference.Prediction;

/**
 * What became of one frame in the {@link FrameAnalyzer}, with the time each stage took: classified by
 * {@code model}, or not (predictions null) because it could not make its deadline, either before any work was spent
 * on it or, once prepared, when its batch was formed.
 *
 * @param model          the model that answered, or the primary when none did
 * @param batchWaitNanos time in the engine's queue before its batch started (or it was shed)
 * @param decodedAs      what the payload turned out to be when it was not what the frame declared (e.g. "PNG
 *                       (declared JPEG)"), else null
 */
public record Analysis(ModelRuntime model, List<Prediction> predictions, long decodeNanos, long preprocessNanos,
                       long batchWaitNanos, long inferenceNanos, int batchSize, String decodedAs, SkipReason skipReason) {

    /** Why a frame was not classified; said in its event's note. */
    public enum SkipReason {
        /** Its budget was spent before its processing started. */
        EXPIRED("budget spent before processing"),
        /** Newer frames of its camera were waiting behind it. */
        SUPERSEDED("superseded by newer frames of its camera"),
        /** The model's outlook missed its deadline: not decoded. */
        FORECAST("the model could not answer in time"),
        /** Decoded, but its batch could not have finished in time. */
        SHED("shed at batch formation: its batch could not finish in time");

        private final String text;

        SkipReason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    static Analysis skipped(ModelRuntime model, SkipReason reason) {
        return new Analysis(model, null, 0, 0, 0, 0, 0, null, reason);
    }

    public boolean classified() {
        return predictions != null;
    }
}
