package io.framewise.app.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.framewise.app.tools.bench.PipelineSetup;
import io.framewise.app.tools.bench.SweepBenchRecipe;
import io.framewise.app.tools.bench.SyntheticCameras;
import io.framewise.schema.Codec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sweep", mixinStandardHelpOptions = true, header = "Measure capacity at fixed offered loads.",
        description = "Capacity, open loop: the model alone first, then one running instance offered --multiples of that "
                + "throughput, --seconds each, after a cold-start phase at half load (reported apart); goodput, skip rate "
                + "and capture-to-consumer latency per point, in steady state (the first --warmup-seconds of each point "
                + "excluded).")
final class BenchSweepCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    BenchModelOptions model;

    @Mixin
    BenchLoadOptions load;

    @Option(names = "--multiples", split = ",", defaultValue = "0.25,0.5,0.75,1,1.5,2,3",
            description = "Offered loads as multiples of the model-only throughput (default ${DEFAULT-VALUE}).")
    List<Double> multiples;

    @Option(names = "--seconds", defaultValue = "15", description = "Seconds per point (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "3",
            description = "First seconds of each point excluded from its steady state (default ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--cold-seconds", defaultValue = "30",
            description = "Half load from the moment the instance is RUNNING, reported apart; 0 to leave out (default ${DEFAULT-VALUE}).")
    double coldSeconds;

    @Option(names = "--jit-seconds", defaultValue = "60",
            description = "After the cold phase, the highest load for this long, so that the JIT has compiled what overload "
                    + "runs before the points are measured; reported apart; 0 to leave out (default ${DEFAULT-VALUE}).")
    double jitSeconds;

    @Option(names = "--budget-ms", defaultValue = "1000", description = "Latency budget (default ${DEFAULT-VALUE}).")
    long budgetMs;

    @Option(names = "--neighbour-cores", defaultValue = "0",
            description = "Offer every point a second time, in the same run, beside a noisy neighbour that keeps this many "
                    + "cores busy 2 s out of every 4, and report both (default ${DEFAULT-VALUE}: no second pass).")
    int neighbourCores;

    @Option(names = "--compare", paramLabel = "CODEC:WxH",
            description = "Offer the same points again, in the same run, from cameras sending this (e.g. h264:1280x720), and "
                    + "compare the peak goodputs.")
    String compare;

    @Mixin
    BenchPlotOption plot;

    @Mixin
    BenchReportOptions report;

    /** The cameras of --compare, as many as the sweep's own. */
    private SyntheticCameras compared(PipelineSetup setup) {
        if (compare == null) {
            return null;
        }
        String[] parts = compare.split(":", 2);
        try {
            Codec codec = Codec.valueOf(parts[0].trim().toUpperCase(Locale.ROOT));
            FrameSize size = parts.length > 1 ? new FrameSize.Converter().convert(parts[1]) : new FrameSize(setup.cameras().width(),
                    setup.cameras().height());
            return new SyntheticCameras(setup.cameras().count(), size.width(), size.height(), codec);
        } catch (RuntimeException e) {
            throw new CliException("--compare " + compare + " is not CODEC:WxH with a codec of jpeg or h264 (" + e.getMessage() + ")",
                    "e.g. --compare h264:1280x720");
        }
    }

    @Override
    public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        if (multiples.stream().anyMatch(m -> !(m > 0)) || warmupSeconds >= seconds || neighbourCores < 0 || neighbourCores > cores) {
            throw new CliException("invalid sweep: multiples " + multiples + ", " + warmupSeconds + " s of warm-up in " + seconds
                    + " s per point, " + neighbourCores + " neighbour cores",
                    "give positive multiples, --warmup-seconds shorter than --seconds and --neighbour-cores from 0 to the " + cores
                            + " cores of this machine");
        }
        var setup = load.setup(model.directory(), model.threads);
        var plan = new SweepBenchRecipe.Plan(multiples, seconds, warmupSeconds, coldSeconds, neighbourCores, compared(setup),
                jitSeconds);
        return report.finish(SweepBenchRecipe.run(setup, plan, budgetMs, output.err()), plot.file, output);
    }
}
