package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import io.framewise.inference.Labels;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.efficientformer.EfficientFormer;
import io.framewise.inference.efficientformer.ModelCache;
import io.framewise.inference.efficientformer.Variant;
import io.framewise.inference.efficientformer.weights.SeededWeights;
import io.framewise.inference.efficientformer.weights.StateDictWeights;
import io.framewise.inference.efficientformer.weights.WeightSource;
import io.framewise.inference.export.ExportRefusedException;
import io.framewise.inference.export.ModelExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true, header = "Export an EfficientFormer variant as a model directory.",
        description = "Build an EfficientFormer variant and export it as a model directory: with the weights of a timm "
                + "(or official) .safetensors file, or with seeded random weights.")
final class ModelExportCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Option(names = "--variant", required = true, description = "efficientformer_l1|l3|l7, efficientformerv2_s0|s1|s2|l (or l1, v2-s0, ...).")
    String variant;

    @Option(names = "--weights", paramLabel = "FILE.safetensors", description = "Weights to import (timm or official names).")
    Path weights;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names: one per line, or JSON (array, or an object with label_names).")
    Path labels;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights when no --weights is given (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--precision", defaultValue = "float32", description = "Default compute precision of the model: float32 or bfloat16 (default ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Model directory to write: a new or empty directory (an existing model only with --force).")
    Path out;

    @Option(names = "--force", description = "Replace the Framewise model directory at --out (never anything else: a file "
            + "or a directory that is not a model is refused).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Variant v = parseVariant(variant);
        String p = precision.toLowerCase(Locale.ROOT);
        if (!p.equals("float32") && !p.equals("bfloat16")) {
            throw new CliException("unknown precision '" + precision + "'", "use --precision float32 or --precision bfloat16");
        }
        refuseUnlessReplaceable();
        WeightSource source;
        String version;
        if (weights != null) {
            if (!Files.isReadable(weights)) {
                throw new CliException("weights file " + weights + " is not readable", "pass the model.safetensors you downloaded");
            }
            output.err().println("framewise model export: reading " + weights);
            source = StateDictWeights.open(weights, v.version() == Variant.Version.V2);
            version = weights.getFileName() + "@sha256:" + ModelCache.sha256(weights).substring(0, 12);
        } else {
            source = new SeededWeights(seed);
            version = "seed-" + seed;
        }
        int classes = source instanceof StateDictWeights file && file.leadingDimension("head.bias") > 0
                ? (int) file.leadingDimension("head.bias") : Variant.NUM_CLASSES;
        List<String> classNames = classNames(classes);
        output.err().println("framewise model export: building " + v.timmName() + " (" + source.describe() + ")...");
        long t0 = System.nanoTime();
        ModelMetadata m = EfficientFormer.export(out, v, source, classNames, version, p, force);
        output.out().printf(Locale.ROOT, "exported %s to %s: %,d parameters, %.2f GMACs, %.1f MB, weights %s, %s, in %.1f s%n",
                m.name(), out, m.parameters(), m.macs() / 1e9, ModelExporter.sizeOnDisk(out) / 1e6, m.weights(), p,
                (System.nanoTime() - t0) / 1e9);
        if (m.untrained()) {
            output.out().println("note: random weights: the pipeline runs for real, the labels are not meaningful. "
                    + "Import ImageNet weights with --weights (see the README, section Models).");
        }
        return 0;
    }

    /** Said before the weights are read and the network is built: whatever is at --out that may not be replaced. */
    private void refuseUnlessReplaceable() throws IOException {
        try {
            ModelExporter.checkTarget(out, force);
        } catch (ExportRefusedException e) {
            boolean aModel = Files.isRegularFile(e.target().resolve(ModelMetadata.FILE_NAME));
            throw new CliException(e.getMessage(), aModel ? "pass --force to replace that model, or choose another --out"
                    : "choose a new or empty directory for --out");
        }
    }

    /** @param classes the classes of the weights' head (1000 for ImageNet-1k) */
    private List<String> classNames(int classes) throws Exception {
        if (labels != null) {
            List<String> names = Labels.readUserFile(labels);
            if (names.size() != classes) {
                throw new CliException(labels + " has " + names.size() + " labels, the model has " + classes
                        + " classes", "give one label per class, in the order of the head's outputs");
            }
            return names;
        }
        if (weights != null) {
            throw new CliException("the weights' " + classes + " classes need their names",
                    "pass --labels FILE (one name per line); the README, section Models, shows how to write the ImageNet-1k names with timm");
        }
        return IntStream.range(0, classes).mapToObj(i -> "class " + i).toList();
    }

    static Variant parseVariant(String name) {
        try {
            return Variant.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), "pick one of: " + String.join(", ", Variant.names()));
        }
    }

}
