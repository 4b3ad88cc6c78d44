package io.framewise.inference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    public static void write(Path modelDir, String fileName, List<String> labels) throws IOException {
        Files.write(modelDir.resolve(fileName), labels, StandardCharsets.UTF_8);
    }
}
