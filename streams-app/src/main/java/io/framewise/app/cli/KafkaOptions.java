package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.framewise.app.config.ConfigSources;
import picocli.CommandLine.Option;

/** The options every command that talks to Kafka shares. */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka cluster to use (else bootstrap.servers from --config, FRAMEWISE_KAFKA_BOOTSTRAP_SERVERS, or --set).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: framewise.* settings and any Kafka client or Streams property (security, ...).")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Set one setting (repeatable); wins over the file and the environment.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Every setting from file, environment and command line, with the bootstrap servers checked. */
    Map<String, Object> settings() throws IOException {
        Map<String, String> cli = new LinkedHashMap<>(overrides);
        if (bootstrapServers != null) {
            cli.put("bootstrap.servers", bootstrapServers);
        }
        Map<String, Object> settings = ConfigSources.resolve(configFile, System.getenv(), cli);
        if (settings.get("bootstrap.servers") == null || settings.get("bootstrap.servers").toString().isBlank()) {
            throw new CliException("no Kafka cluster given",
                    "pass --bootstrap-servers HOST:PORT (or start one with 'framewise broker')");
        }
        return settings;
    }
}
