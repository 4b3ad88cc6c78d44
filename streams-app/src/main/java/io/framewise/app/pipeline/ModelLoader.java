package io.framewise.app.pipeline;

import java.io.IOException;
import java.nio.file.Path;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.serving.BudgetPolicy;
import io.framewise.inference.serving.ServedModels;
import org.apache.kafka.common.config.ConfigException;

/** The models a deployment's settings name, loaded and served as they say (threads, instances, precision, batching, top-k). */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** Loads the primary from {@code modelDir} and the fallback the settings name, if any; not yet warmed up. */
    public static ServedModels load(FramewiseConfig config, Path modelDir) throws IOException {
        InferenceOptions options = new InferenceOptions(config.effectiveIntraOpThreads(), config.effectiveInterOpThreads(),
                config.precision());
        String fallbackDir = config.fallbackModelDir();
        if (config.budgetPolicy() == BudgetPolicy.FALLBACK && fallbackDir.isBlank()) {
            throw new ConfigException(FramewiseConfig.BUDGET_POLICY_CONFIG, "fallback",
                    "the fallback policy needs " + FramewiseConfig.FALLBACK_MODEL_DIR_CONFIG);
        }
        return ServedModels.load(modelDir, fallbackDir.isBlank() ? null : Path.of(fallbackDir), options,
                b -> b.maxBatch(config.maxBatchSize()).maxWaitMs(config.maxWaitMs()).preferredBatch(config.preferredBatchSize())
                        .topK(config.topK())
                        .instances(config.inferenceInstances()));
    }
}
