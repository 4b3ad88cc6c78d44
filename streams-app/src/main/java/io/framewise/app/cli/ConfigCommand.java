package io.framewise.app.cli;

import java.io.PrintWriter;

import io.framewise.app.config.FramewiseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "config", mixinStandardHelpOptions = true, header = "Print every framewise setting.",
        description = "Print every framewise.* setting with its default, valid values and meaning (Markdown). "
                + "Any other key is passed to Kafka Streams and its clients.")
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        out().print(FramewiseConfig.markdownTable());
    }

    /** Standard output as picocli holds it, so that tests and embedders can capture it without swapping System.out. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
