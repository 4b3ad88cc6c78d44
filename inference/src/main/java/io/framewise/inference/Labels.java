package io.framewise.inference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A model's label file: one class name per line, line i naming output index i. */
public final class Labels {
    private Labels() {
    }

    public static List<String> read(Path modelDir, ModelMetadata metadata) throws IOException {
        Path file = modelDir.resolve(metadata.labels());
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException(modelDir, "label file " + metadata.labels() + " is missing",
                    "put one class name per line in " + file);
        }
        List<String> labels = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).toList();
        if (labels.size() != metadata.numClasses()) {
            throw new InvalidModelException(modelDir, "label file has " + labels.size() + " lines but the model has "
                    + metadata.numClasses() + " classes", "give exactly one label per class");
        }
        return labels;
    }

    /**
     * A user's label file: one class name per line, or JSON (an array of names, or an object with {@code label_names}
     * as timm's model configs have).
     */
    public static List<String> readUserFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String trimmed = text.strip();
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            var node = ModelMetadata.JSON.readTree(trimmed);
            var names = node.isArray() ? node : node.get("label_names");
            if (names == null || !names.isArray()) {
                throw new IOException(file + ": JSON label file needs an array of names or a 'label_names' array");
            }
            List<String> labels = new ArrayList<>();
            names.forEach(n -> labels.add(n.asText()));
            return labels;
        }
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    public static void write(Path modelDir, String fileName, List<String> labels) throws IOException {
        Files.write(modelDir.resolve(fileName), labels, StandardCharsets.UTF_8);
    }
}
