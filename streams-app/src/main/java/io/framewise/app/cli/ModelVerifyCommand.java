package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.framewise.inference.efficientformer.GoldenVerification;
import io.framewise.inference.efficientformer.ReferenceGoldens;
import io.framewise.inference.efficientformer.Variant;
import io.framewise.inference.export.Directories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true, header = "Check a variant against the reference logits.",
        description = "Rebuild a variant with the reference's deterministic weights, export and reload it, and compare "
                + "its logits with the reference goldens (golden-logits.json); prints the max deviation.")
final class ModelVerifyCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Option(names = "--variant", description = "Variant to verify (default: all seven).")
    String variant;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "Directory with (or path of) a golden-logits.json to verify against instead of the reference data "
                    + "bundled with framewise.")
    Path reference;

    @Override
    public Integer call() throws Exception {
        ReferenceGoldens golden = goldens();
        output.out().println("reference: " + golden.source());
        List<Variant> variants = variant == null ? List.of(Variant.values()) : List.of(ModelExportCommand.parseVariant(variant));
        Path work = Files.createTempDirectory("framewise-verify-");
        List<String> failed = new ArrayList<>();
        try {
            for (Variant v : variants) {
                long t0 = System.nanoTime();
                GoldenVerification.Report r = GoldenVerification.verify(v, golden, work);
                output.out().printf(Locale.ROOT, "%-22s max |dlogit| %.2e  argmax %d (reference %d)  params %,d (reference %,d)  "
                                + "SavedModel %.1f MB  %s  (%.1f s)%n", v.timmName(), r.maxDeviation(), r.argmax(), r.referenceArgmax(),
                        r.parameters(), r.referenceParameters(), r.exportBytes() / 1e6, r.passed() ? "OK" : "FAILED",
                        (System.nanoTime() - t0) / 1e9);
                if (!r.passed()) {
                    failed.add(v.timmName());
                }
            }
        } finally {
            Directories.deleteQuietly(work);
        }
        if (!failed.isEmpty()) {
            output.out().println("FAILED (tolerance " + GoldenVerification.TOLERANCE + "): " + String.join(", ", failed));
            return FramewiseCli.EXIT_FAILURE;
        }
        output.out().println("all verified against the reference (tolerance " + GoldenVerification.TOLERANCE + ")");
        return 0;
    }

    private ReferenceGoldens goldens() throws IOException {
        if (reference == null) {
            return ReferenceGoldens.bundled();
        }
        Path file = Files.isDirectory(reference) ? reference.resolve("golden-logits.json") : reference;
        if (!Files.isRegularFile(file)) {
            throw new CliException("no golden-logits.json at " + file,
                    "pass a directory holding golden-logits.json (or the file itself), or omit --reference to use the bundled data");
        }
        return ReferenceGoldens.fromFile(file);
    }

}
