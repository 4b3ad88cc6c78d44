package io.framewise.app.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.efficientformer.EfficientFormer;
import io.framewise.inference.export.ModelExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true, header = "Describe a model directory.", description = "Describe a model directory: variant, parameters, MACs, input, signature, size on disk.")
final class ModelInfoCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Parameters(paramLabel = "DIR", description = "Model directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        try (FrameClassifier classifier = FrameClassifier.load(dir, InferenceOptions.defaults())) {
            ModelMetadata m = classifier.metadata();
            output.out().printf(Locale.ROOT, "model       %s (variant %s), version %s%n", m.name(), m.variant(), m.version());
            output.out().printf(Locale.ROOT, "weights     %s%s%n", m.weights(), m.untrained() ? "  (untrained: labels not meaningful)" : "");
            output.out().printf(Locale.ROOT, "parameters  %,d%n", m.parameters());
            output.out().printf(Locale.ROOT, "MACs        %.3f G per image%n", m.macs() / 1e9);
            output.out().printf(Locale.ROOT, "input       %s [N, %d, %d, 3] float32; preprocessing %s%n", m.input(),
                    m.preprocessSpec().height(), m.preprocessSpec().width(), m.preprocessSpec());
            output.out().printf(Locale.ROOT, "crop        %.3f: %s%n", m.preprocessSpec().cropFraction(),
                    m.extra().getOrDefault(EfficientFormer.CROP_SOURCE_KEY, "as the model directory says"));
            output.out().printf(Locale.ROOT, "signature   %s: %s -> %s [N, %d] (%s)%n", m.signature(), m.input(), m.output(),
                    m.numClasses(), m.outputKind());
            output.out().printf(Locale.ROOT, "labels      %s (%d): %s, ...%n", m.labels(), classifier.labels().size(),
                    String.join(", ", classifier.labels().subList(0, Math.min(3, classifier.labels().size()))));
            output.out().printf(Locale.ROOT, "precision   %s (runs as %s here)%n",
                    m.extra().getOrDefault(ModelMetadata.PRECISION_KEY, "float32"), classifier.precision());
            output.out().printf(Locale.ROOT, "size        %.1f MB on disk%n", ModelExporter.sizeOnDisk(dir) / 1e6);
        }
        return 0;
    }

}
