package io.framewise.app.cli;

import java.util.concurrent.Callable;

import io.framewise.app.tools.bench.PipelineBenchRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "overload", mixinStandardHelpOptions = true, header = "Offer more frames than the model can take and check the budget holds.",
        description = "Offers --multiple times the model-only throughput (measured first, in the same process) for --seconds, "
                + "open loop, with a tight budget: are classified frames within it, is the backlog bounded, is every "
                + "frame accounted for?")
final class BenchOverloadCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    BenchModelOptions model;

    @Mixin
    BenchLoadOptions load;

    @Option(names = "--multiple", defaultValue = "2", description = "Offered load as a multiple of the model-only throughput (default ${DEFAULT-VALUE}).")
    double multiple;

    @Option(names = "--seconds", defaultValue = "20", description = "Publishing time (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--budget-ms", defaultValue = "200", description = "Latency budget (default ${DEFAULT-VALUE}).")
    long budgetMs;

    @Mixin
    BenchPlotOption plot;

    @Mixin
    BenchReportOptions report;

    @Override
    public Integer call() throws Exception {
        var setup = load.setup(model.directory(), model.threads);
        return report.finish(PipelineBenchRecipe.overload(setup, multiple, seconds, budgetMs, output.err()), plot.file, output);
    }
}
