package io.framewise.inference.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.framewise.inference.Labels;
import io.framewise.inference.ModelMetadata;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.types.TFloat32;

/**
 * Writes a model directory: the SavedModel (graph + {@code serving_default} signature) at its root, next to
 * {@link ModelMetadata#FILE_NAME} and the label file. Weights are graph constants, stored once in saved_model.pb
 * (TF Java's variables initialised from constants would store them twice, and resource variables are not exported).
 *
 * <p>The directory is written next to its final place and moved in, so a reader never sees half a model.
 */
public final class ModelExporter {
    private ModelExporter() {
    }

    public static void export(Path directory, Session session, Operand<TFloat32> images, Operand<TFloat32> output,
                              ModelMetadata metadata, List<String> labels) throws IOException {
        if (labels.size() != metadata.numClasses()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + metadata.numClasses() + " classes");
        }
        Path absolute = directory.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path staging = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".export-");
        try {
            Signature signature = Signature.builder().key(metadata.signature())
                    .input(metadata.input(), images).output(metadata.output(), output).build();
            SavedModelBundle.exporter(staging.toString()).withSession(session).withSignature(signature).export();
            metadata.write(staging);
            Labels.write(staging, metadata.labels(), labels);
            if (Files.exists(absolute)) {
                Directories.deleteRecursively(absolute);
            }
            Files.move(staging, absolute);
        } finally {
            if (Files.exists(staging)) {
                Directories.deleteRecursively(staging);
            }
        }
    }

    /** Size of all files of a directory, for reports. */
    public static long sizeOnDisk(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
