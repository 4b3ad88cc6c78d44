package io.framewise.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Measure the model, the pipeline and the budget controller on this machine.",
        description = "Measure what this machine can do. Figures move by about 20% between runs on a shared machine: "
                + "compare ratios within one run (the pipeline benchmarks measure the model alone first, in the same "
                + "process, for that).",
        subcommands = {BenchModelCommand.class, BenchPipelineCommand.class, BenchOverloadCommand.class,
                BenchSweepCommand.class, BenchSoakCommand.class, BenchPreprocessCommand.class, CommandLine.HelpCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
