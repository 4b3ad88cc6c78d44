package io.framewise.inference.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Removing directory trees: model staging directories, and the temporary data of demos, benchmarks and checks. */
public final class Directories {
    private Directories() {
    }

    /** Deletes {@code root} and everything below it; fails on the first file that cannot be deleted. */
    public static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Best effort, for temporary directories: whatever cannot be deleted is left behind, harmlessly. */
    public static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
