package io.framewise.inference.efficientformer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

import io.framewise.inference.InvalidModelException;
import io.framewise.inference.Labels;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.efficientformer.weights.SeededWeights;
import io.framewise.inference.efficientformer.weights.StateDictWeights;

/**
 * Models framewise makes on first use, kept under {@code $FRAMEWISE_CACHE} (default {@code ~/.cache/framewise}).
 *
 * <p>The demo's model is EfficientFormer-L1: with the ImageNet weights when the user has put them at
 * {@code $FRAMEWISE_CACHE/weights/efficientformer_l1.safetensors} (with {@code imagenet-1k-labels.txt} beside them)
 * or passes them, otherwise with seeded random weights.
 */
public final class ModelCache {
    /** The seed of the random weights of models made without the user's weights (demo, benchmarks). */
    public static final long SEED = 42;
    static final Variant DEMO_VARIANT = Variant.EFFICIENTFORMER_L1;

    private ModelCache() {
    }

    public static Path root() {
        String env = System.getenv("FRAMEWISE_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "framewise");
    }

    /** Where {@link #seededModel} keeps a variant with seeded random weights. */
    public static Path seededModelDir(Variant variant, long seed) {
        return root().resolve("models").resolve(variant.timmName() + "-seed" + seed);
    }

    /**
     * A variant with seeded random weights (its speed is that of the trained model; its labels mean nothing),
     * exported into the cache on first use.
     */
    public static Path seededModel(Variant variant, long seed) throws Exception {
        Path dir = seededModelDir(variant, seed);
        if (!Files.isRegularFile(dir.resolve(ModelMetadata.FILE_NAME))) {
            System.err.println("framewise: exporting " + variant.timmName() + " with seeded random weights into " + dir
                    + " (first use)");
            List<String> names = IntStream.range(0, Variant.NUM_CLASSES).mapToObj(i -> "class " + i).toList();
            EfficientFormer.export(dir, variant, new SeededWeights(seed), names, "seed-" + seed);
        }
        return dir;
    }

    public static Path defaultWeights() {
        return root().resolve("weights").resolve(DEMO_VARIANT.timmName() + ".safetensors");
    }

    /** The file's SHA-256, in hex: names a model exported from it, so that other weights get another directory. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The demo's model directory, exported on first use.
     *
     * @param weights ImageNet weights to use, or null for the default location (seeded weights when nothing is there)
     * @param labels  their class names, or null for imagenet-1k-labels.txt beside the weights
     */
    public static Path demoModel(Path weights, Path labels) throws Exception {
        Path w = weights != null ? weights : Files.isRegularFile(defaultWeights()) ? defaultWeights() : null;
        if (w == null) {
            if (!Files.isRegularFile(seededModelDir(DEMO_VARIANT, SEED).resolve(ModelMetadata.FILE_NAME))) {
                System.err.println("framewise: no ImageNet weights at " + defaultWeights() + ": using seeded random weights");
            }
            return seededModel(DEMO_VARIANT, SEED);
        }
        Path l = labels != null ? labels : w.resolveSibling("imagenet-1k-labels.txt");
        if (!Files.isRegularFile(l)) {
            throw new InvalidModelException(w, "the ImageNet weights need their class names, " + l + " is missing",
                    "write the 1000 ImageNet-1k class names there, one per line (README, section Models)");
        }
        String hash = sha256(w).substring(0, 12);
        Path dir = root().resolve("models").resolve(DEMO_VARIANT.timmName() + "-" + hash);
        if (!Files.isRegularFile(dir.resolve(ModelMetadata.FILE_NAME))) {
            System.err.println("framewise: exporting " + DEMO_VARIANT.timmName() + " with the weights of " + w + " into " + dir
                    + " (first use)");
            EfficientFormer.export(dir, DEMO_VARIANT, StateDictWeights.open(w, false), Labels.readUserFile(l),
                    w.getFileName() + "@sha256:" + hash);
        }
        return dir;
    }
}
