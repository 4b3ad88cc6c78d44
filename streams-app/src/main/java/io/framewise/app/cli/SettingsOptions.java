package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.framewise.app.config.ConfigSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code --set KEY=VALUE}, declared once and mixed into every command that configures an
 * instance or a Kafka client (run, publish, consume, broker-backed tools, demo, bench).
 */
@Command // picocli takes a class as a mixin only if it carries a picocli annotation
final class SettingsOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: framewise.* settings and any Kafka client or Streams property (security, ...).")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Set one setting (repeatable); wins over the file and the environment.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * The settings from the file, then the environment, then the command line ({@code extra} last, for options such
     * as --bootstrap-servers).
     */
    Map<String, Object> resolve(Map<String, String> environment, Map<String, String> extra) throws IOException {
        Map<String, String> cli = new LinkedHashMap<>(overrides);
        cli.putAll(extra);
        return ConfigSources.resolve(configFile, environment, cli);
    }

    /**
     * The settings of an instance a tool starts itself (demo, bench): the file and the command line only, so that
     * the environment of a production deployment does not redirect it.
     */
    Map<String, String> forOwnInstance() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        resolve(Map.of(), Map.of()).forEach((k, v) -> settings.put(k, String.valueOf(v)));
        return settings;
    }
}
