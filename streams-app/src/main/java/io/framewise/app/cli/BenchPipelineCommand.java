package io.framewise.app.cli;

import java.util.concurrent.Callable;

import io.framewise.app.tools.bench.PipelineBenchRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pipeline", mixinStandardHelpOptions = true, header = "Measure the whole path at one offered load.",
        description = "The whole path on the embedded broker (or --bootstrap-servers): synthetic cameras at --rate frames/s "
                + "in all (open loop), or as fast as the pipeline answers (--rate 0: a closed loop, which measures its own "
                + "window, not a capacity; 'bench sweep' measures capacity). Every frame must be accounted for.")
final class BenchPipelineCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    BenchModelOptions model;

    @Mixin
    BenchLoadOptions load;

    @Option(names = "--rate", defaultValue = "0", description = "Total frames/s offered; 0 as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seconds", defaultValue = "20", description = "Publishing time (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--budget-ms", defaultValue = "1000", description = "Latency budget (default ${DEFAULT-VALUE}).")
    long budgetMs;

    @Mixin
    BenchPlotOption plot;

    @Mixin
    BenchReportOptions report;

    @Override
    public Integer call() throws Exception {
        var setup = load.setup(model.directory(), model.threads);
        return report.finish(PipelineBenchRecipe.pipeline(setup, rate, seconds, budgetMs, output.err()), plot.file, output);
    }
}
