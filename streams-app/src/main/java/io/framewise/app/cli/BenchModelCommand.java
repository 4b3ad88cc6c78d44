package io.framewise.app.cli;

import java.util.List;
import java.util.concurrent.Callable;

import io.framewise.app.tools.bench.ModelBenchRecipe;
import io.framewise.inference.CpuFeatures;
import io.framewise.inference.InferenceOptions.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "model", mixinStandardHelpOptions = true, header = "Measure the model alone per batch size and precision.",
        description = "Model-only throughput and latency per batch size and precision, with the GFLOP/s TensorFlow reaches "
                + "on large matrix products as calibration, and how bfloat16 answers compare with float32.")
final class BenchModelCommand implements Callable<Integer> {
    /** Which precisions are measured; AUTO: both where the CPU has native bfloat16. */
    enum BenchPrecision { AUTO, FLOAT32, BFLOAT16 }

    @Mixin
    Output output;

    @Mixin
    BenchModelOptions model;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,2,4,8,16", description = "Batch sizes, 1 to 256 (default ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--precision", defaultValue = "auto",
            description = "${COMPLETION-CANDIDATES}; auto: both where the CPU has native bfloat16 (default ${DEFAULT-VALUE}).")
    BenchPrecision precision;

    @Option(names = "--seconds", defaultValue = "3", description = "Measuring time per configuration (default ${DEFAULT-VALUE}).")
    double seconds;

    @Mixin
    BenchReportOptions report;

    @Override
    public Integer call() throws Exception {
        if (batchSizes.stream().anyMatch(b -> b < 1 || b > 256)) {
            throw new CliException("invalid --batch-sizes " + batchSizes, "give sizes from 1 to 256, e.g. 1,2,4,8,16");
        }
        List<Precision> precisions = switch (precision) {
            case FLOAT32 -> List.of(Precision.FLOAT32);
            case BFLOAT16 -> List.of(Precision.BFLOAT16);
            case AUTO -> CpuFeatures.hasBfloat16() ? List.of(Precision.FLOAT32, Precision.BFLOAT16) : List.of(Precision.FLOAT32);
        };
        return report.finish(ModelBenchRecipe.run(model.directory(), batchSizes, precisions, seconds, model.threads, output.err()), output);
    }
}
