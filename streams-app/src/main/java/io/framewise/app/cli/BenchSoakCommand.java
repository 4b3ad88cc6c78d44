package io.framewise.app.cli;

import java.util.concurrent.Callable;

import io.framewise.app.tools.bench.SoakBenchRecipe;
import io.framewise.app.tools.bench.SoakVerdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "soak", mixinStandardHelpOptions = true, header = "Push many frames through and check memory stays flat.",
        description = "Pushes --frames frames through the pipeline, every one classified, while sampling RSS and heap; "
                + "fails if the RSS outside the Java heap grows more than --max-rss-growth percent after warm-up, or a frame "
                + "is not accounted for.")
final class BenchSoakCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    BenchModelOptions model;

    @Mixin
    BenchLoadOptions load;

    @Option(names = "--frames", defaultValue = "100000", description = "Frames to push through (default ${DEFAULT-VALUE}).")
    long frames;

    @Option(names = "--rate", defaultValue = "0", description = "Total frames/s offered; 0 as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--max-rss-growth", defaultValue = "5",
            description = "Growth of the RSS outside the Java heap after warm-up, in percent, above which the soak fails "
                    + "(default ${DEFAULT-VALUE}).")
    double maxRssGrowth;

    @Mixin
    BenchReportOptions report;

    @Override
    public Integer call() throws Exception {
        var setup = load.setup(model.directory(), model.threads);
        try {
            return report.finish(SoakBenchRecipe.run(setup, frames, rate, maxRssGrowth, output.err()), output);
        } catch (SoakVerdict.Unmeasurable e) {
            throw new CliException(e.getMessage(), "run the soak on Linux, where /proc/self/status gives the RSS");
        }
    }
}
