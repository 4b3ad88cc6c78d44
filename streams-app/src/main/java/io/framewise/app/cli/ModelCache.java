package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.framewise.inference.ModelMetadata;
import io.framewise.inference.tiny.TinyConvNet;

/** Models framewise makes on first use, kept under {@code $FRAMEWISE_CACHE} (default {@code ~/.cache/framewise}). */
final class ModelCache {
    static final long DEMO_SEED = 42;

    private ModelCache() {
    }

    static Path root() {
        String env = System.getenv("FRAMEWISE_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "framewise");
    }

    /** The demo's default model, exported on first use. */
    static Path demoModel() throws IOException {
        Path dir = root().resolve("models").resolve("tiny-convnet-224-seed" + DEMO_SEED);
        if (!Files.isRegularFile(dir.resolve(ModelMetadata.FILE_NAME))) {
            System.err.println("framewise: exporting the demo model into " + dir + " (first use)");
            TinyConvNet.export(dir, DEMO_SEED, 224);
        }
        return dir;
    }
}
