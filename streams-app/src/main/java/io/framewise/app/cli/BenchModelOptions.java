package io.framewise.app.cli;

import java.nio.file.Path;

import io.framewise.inference.efficientformer.ModelCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Which model a benchmark measures, and with how many TensorFlow threads. */
@Command // picocli takes a class as a mixin only if it carries a picocli annotation
final class BenchModelOptions {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (else --variant with seeded weights).")
    Path model;

    @Option(names = "--variant", defaultValue = "efficientformer_l1",
            description = "Variant to export with seeded weights and measure when no --model is given (default ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads (default 0: one per core).")
    int threads;

    /** --model, or --variant exported with seeded weights into the cache on first use (its speed is the same). */
    Path directory() throws Exception {
        return model != null ? model : ModelCache.seededModel(ModelExportCommand.parseVariant(variant), ModelCache.SEED);
    }
}
