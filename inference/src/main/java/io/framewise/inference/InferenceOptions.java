package io.framewise.inference;

/**
 * How TensorFlow runs a model in this process.
 *
 * @param intraOpThreads threads one operation may use (0: TensorFlow's choice, the core count). TensorFlow fixes the
 *                       pool of the first session for the whole process, so every classifier of a process should
 *                       use the same value.
 * @param interOpThreads threads for independent operations run concurrently (0: TensorFlow's choice;
 *                       {@link #CALLER_THREAD}: none, every operation runs on the thread that calls the model)
 * @param precision      compute precision; {@link Precision#MODEL} uses what the model directory asks for
 */
public record InferenceOptions(int intraOpThreads, int interOpThreads, Precision precision) {

    /**
     * {@code interOpThreads} for a model called from threads of its own (the batching engine's instances): each call
     * runs its operations one after another on the calling thread (TensorFlow's negative
     * {@code inter_op_parallelism_threads}) instead of handing every operation to a shared pool and waiting for it.
     */
    public static final int CALLER_THREAD = -1;

    /** Compute precision. BFLOAT16 is TF's oneDNN auto mixed precision: weights stay float32 on disk. */
    public enum Precision {
        MODEL("what the model directory asks for"),
        FLOAT32("32-bit floating point everywhere"),
        BFLOAT16("TF's oneDNN auto mixed precision; float32 on CPUs without AVX-512 BF16 or AMX");

        private final String description;

        Precision(String description) {
            this.description = description;
        }

        /** What this precision means, for documentation. */
        public String description() {
            return description;
        }
    }

    public InferenceOptions {
        if (intraOpThreads < 0 || interOpThreads < CALLER_THREAD) {
            throw new IllegalArgumentException("thread counts must be >= 0 (inter-op: or CALLER_THREAD), got intra-op "
                    + intraOpThreads + ", inter-op " + interOpThreads);
        }
        if (precision == null) {
            precision = Precision.MODEL;
        }
    }

    public InferenceOptions(int intraOpThreads, int interOpThreads) {
        this(intraOpThreads, interOpThreads, Precision.MODEL);
    }

    public static InferenceOptions defaults() {
        return new InferenceOptions(0, 0, Precision.MODEL);
    }
}
