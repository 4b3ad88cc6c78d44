package io.framewise.inference.efficientformer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The reference data of ../shared/reference (location from the framewise.reference.dir system property). */
final class Reference {
    private static JsonNode goldens;

    private Reference() {
    }

    static Path dir() {
        String configured = System.getProperty("framewise.reference.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "reference");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("reference data not found at " + dir.toAbsolutePath()
                    + " (set -Dframewise.reference.dir)");
        }
        return dir;
    }

    static synchronized JsonNode golden(Variant v) throws IOException {
        if (goldens == null) {
            goldens = new ObjectMapper().readTree(dir().resolve("golden-logits.json").toFile());
        }
        return goldens.get(v.timmName());
    }
}
