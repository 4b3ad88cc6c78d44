package io.framewise.inference.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

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
 * <p>The directory is written next to its final place and renamed into it, so a reader never sees half a model. The
 * place must be new, an empty directory, or (when replacing is asked for) a Framewise model directory: anything else
 * there is the user's, and is never deleted. Directories are created with the process's umask (a container's user
 * can read a mounted model made by another).
 */
public final class ModelExporter {
    private ModelExporter() {
    }

    /** As {@link #export(Path, Session, Operand, Operand, ModelMetadata, List, boolean)}, replacing no model. */
    public static void export(Path directory, Session session, Operand<TFloat32> images, Operand<TFloat32> output,
                              ModelMetadata metadata, List<String> labels) throws IOException {
        export(directory, session, images, output, metadata, labels, false);
    }

    /**
     * Writes the model directory.
     *
     * @param replace whether a Framewise model directory already at {@code directory} may be replaced
     * @throws ExportRefusedException when {@code directory} holds something that may not be replaced
     */
    public static void export(Path directory, Session session, Operand<TFloat32> images, Operand<TFloat32> output,
                              ModelMetadata metadata, List<String> labels, boolean replace) throws IOException {
        if (labels.size() != metadata.numClasses()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + metadata.numClasses() + " classes");
        }
        Path absolute = directory.toAbsolutePath().normalize();
        checkTarget(absolute, replace);
        Files.createDirectories(absolute.getParent());
        Path staging = beside(absolute, "export");
        Files.createDirectory(staging); // not createTempDirectory: that one is private to its owner (0700)
        try {
            Signature signature = Signature.builder().key(metadata.signature())
                    .input(metadata.input(), images).output(metadata.output(), output).build();
            SavedModelBundle.exporter(staging.toString()).withSession(session).withSignature(signature).export();
            metadata.write(staging);
            Labels.write(staging, metadata.labels(), labels);
            checkTarget(absolute, replace); // again: the export took seconds, and the place may have changed
            moveInto(staging, absolute);
        } finally {
            if (Files.exists(staging)) {
                Directories.deleteRecursively(staging);
            }
        }
    }

    /**
     * Whether a model may be exported to {@code directory}: yes if nothing is there or an empty directory; if a
     * Framewise model directory, only when {@code replace}; never over a file or a directory of anything else.
     */
    public static void checkTarget(Path directory, boolean replace) throws IOException {
        Path target = directory.toAbsolutePath().normalize();
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(target) || !Files.isDirectory(target)) {
            throw new ExportRefusedException(target, target + " exists and is not a directory: a model is written to a new "
                    + "or empty directory, never over a file or a link");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        }
        if (!Files.isRegularFile(target.resolve(ModelMetadata.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
            throw new ExportRefusedException(target, target + " is not empty and holds no Framewise model ("
                    + ModelMetadata.FILE_NAME + "): Framewise never deletes what it did not write");
        }
        if (!replace) {
            throw new ExportRefusedException(target, target + " already holds a Framewise model");
        }
    }

    /**
     * Renames the finished {@code staging} directory to {@code target}; what was there (an empty directory or a model
     * checked by {@link #checkTarget}) is first renamed aside, put back if the rename fails, and deleted after it.
     */
    private static void moveInto(Path staging, Path target) throws IOException {
        Path previous = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            previous = beside(target, "replaced");
            Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (previous != null) {
                Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (previous != null) {
            Directories.deleteRecursively(previous);
        }
    }

    /** A hidden name next to {@code target}, on its file system (so that renames between them are atomic). */
    private static Path beside(Path target, String purpose) {
        return target.resolveSibling("." + target.getFileName() + "." + purpose + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Size of all files of a directory, for reports. */
    public static long sizeOnDisk(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
