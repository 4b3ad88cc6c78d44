package io.framewise.app.pipeline;

import java.io.IOException;
import java.nio.file.Path;

import io.framewise.app.config.BudgetPolicy;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import org.apache.kafka.common.config.ConfigException;

/**
 * The models of one process: the primary, and the fallback when the budget policy uses one. Loaded once and shared
 * by every stream thread; TensorFlow's thread pool is per process anyway.
 */
public final class InferenceService implements AutoCloseable {
    private final ModelRuntime primary;
    private final ModelRuntime fallback;

    public InferenceService(ModelRuntime primary, ModelRuntime fallback) {
        this.primary = primary;
        this.fallback = fallback;
    }

    /** Loads the configured model(s) (the primary from {@code modelDir}) and warms them up. */
    public static InferenceService load(FramewiseConfig config, Path modelDir) throws IOException {
        InferenceOptions options = new InferenceOptions(config.intraOpThreads(),
                config.interOpThreads(),
                config.precision());
        int maxBatch = config.maxBatchSize();
        long maxWait = config.maxWaitMs();
        String fallbackDir = config.fallbackModelDir();
        if (config.budgetPolicy() == BudgetPolicy.FALLBACK && fallbackDir.isBlank()) {
            throw new ConfigException(FramewiseConfig.BUDGET_POLICY_CONFIG, "fallback",
                    "the fallback policy needs " + FramewiseConfig.FALLBACK_MODEL_DIR_CONFIG);
        }
        FrameClassifier main = FrameClassifier.load(modelDir, options);
        ModelRuntime primary = ModelRuntime.start(main, maxBatch, maxWait);
        ModelRuntime fallback = null;
        if (!fallbackDir.isBlank()) {
            try {
                fallback = ModelRuntime.start(FrameClassifier.load(Path.of(fallbackDir), options), maxBatch, maxWait);
            } catch (IOException | RuntimeException e) {
                primary.close();
                throw e;
            }
        }
        return new InferenceService(primary, fallback);
    }

    public ModelRuntime primary() {
        return primary;
    }

    /** The fallback model, or null. */
    public ModelRuntime fallback() {
        return fallback;
    }

    @Override
    public void close() {
        primary.close();
        if (fallback != null) {
            fallback.close();
        }
    }
}
