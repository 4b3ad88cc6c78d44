package io.framewise.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "model", mixinStandardHelpOptions = true, header = "Build, inspect, try and verify model directories.",
        description = "Build, import, inspect, try and verify EfficientFormer model directories.",
        subcommands = {ModelExportCommand.class, ModelInfoCommand.class, ModelPredictCommand.class,
                ModelVerifyCommand.class, CommandLine.HelpCommand.class})
final class ModelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
