package io.framewise.inference;

/**
 * How TensorFlow runs a model in this process.
 *
 * @param intraOpThreads threads one operation may use (0: TensorFlow's choice, the core count). TensorFlow fixes the
 *                       pool of the first session for the whole process, so every classifier of a process should
 *                       use the same value.
 * @param interOpThreads threads for independent operations run concurrently (0: TensorFlow's choice)
 */
public record InferenceOptions(int intraOpThreads, int interOpThreads) {
    public InferenceOptions {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0");
        }
    }

    public static InferenceOptions defaults() {
        return new InferenceOptions(0, 0);
    }
}
