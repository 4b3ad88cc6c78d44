package io.framewise.app.cli;


import io.framewise.app.config.FramewiseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "config", mixinStandardHelpOptions = true, header = "Print every framewise setting.",
        description = "Print every framewise.* setting with its default, valid values and meaning (Markdown). "
                + "Any other key is passed to Kafka Streams and its clients.")
final class ConfigCommand implements Runnable {
    @Mixin
    Output output;

    @Override
    public void run() {
        output.out().print(FramewiseConfig.markdownTable());
    }

}
