package io.framewise.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.framewise.inference.efficientformer.GoldenVerification;
import io.framewise.inference.efficientformer.Variant;
import io.framewise.inference.export.Directories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Rebuild a variant with the reference's deterministic weights, export and reload it, and compare "
                + "its logits with the reference goldens (golden-logits.json); prints the max deviation.")
final class ModelVerifyCommand implements Callable<Integer> {
    @Option(names = "--variant", description = "Variant to verify (default: all seven).")
    String variant;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "Directory with golden-logits.json (default: $FRAMEWISE_REFERENCE, else ../shared/reference beside the repository).")
    Path reference;

    @Override
    public Integer call() throws Exception {
        Path golden = referenceDir().resolve("golden-logits.json");
        List<Variant> variants = variant == null ? List.of(Variant.values()) : List.of(ModelExportCommand.parseVariant(variant));
        Path work = Files.createTempDirectory("framewise-verify-");
        List<String> failed = new ArrayList<>();
        try {
            for (Variant v : variants) {
                long t0 = System.nanoTime();
                GoldenVerification.Report r = GoldenVerification.verify(v, golden, work);
                System.out.printf(Locale.ROOT, "%-22s max |dlogit| %.2e  argmax %d (reference %d)  params %,d (reference %,d)  "
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
            System.out.println("FAILED (tolerance " + GoldenVerification.TOLERANCE + "): " + String.join(", ", failed));
            return FramewiseCli.EXIT_FAILURE;
        }
        System.out.println("all verified against the reference (tolerance " + GoldenVerification.TOLERANCE + ")");
        return 0;
    }

    private Path referenceDir() {
        List<Path> candidates = new ArrayList<>();
        if (reference != null) {
            candidates.add(reference);
        } else {
            String env = System.getenv("FRAMEWISE_REFERENCE");
            if (env != null && !env.isBlank()) {
                candidates.add(Path.of(env));
            }
            try {
                // streams-app/target/framewise.jar -> the repository root -> ../shared/reference
                Path jar = Path.of(FramewiseCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                candidates.add(jar.getParent().getParent().getParent().resolveSibling("shared").resolve("reference"));
            } catch (Exception ignored) {
                // not run from the built jar
            }
            candidates.add(Path.of("..", "shared", "reference"));
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("golden-logits.json"))) {
                return c;
            }
        }
        throw new CliException("no golden-logits.json found (looked in " + candidates + ")",
                "pass --reference DIR or set FRAMEWISE_REFERENCE");
    }
}
