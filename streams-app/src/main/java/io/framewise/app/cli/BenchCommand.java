package io.framewise.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Measure the model, the pipeline and the budget controller on this machine.",
        description = "Measure what this machine can do. On a shared machine figures move by a factor of 2 to 4 between hours: "
                + "compare ratios within one run (the pipeline benchmarks measure the model alone first, in the same "
                + "process, for that).",
        subcommands = {BenchModelCommand.class, BenchPipelineCommand.class, BenchOverloadCommand.class,
                BenchSweepCommand.class, BenchSoakCommand.class, BenchPreprocessCommand.class, BenchCodecsCommand.class, CommandLine.HelpCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
