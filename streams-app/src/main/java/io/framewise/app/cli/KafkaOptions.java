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

    /** Client settings only (framewise.* removed), for producers, consumers and admin clients. */
    static Map<String, Object> clientSettings(Map<String, Object> settings) {
        Map<String, Object> client = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (!k.startsWith("framewise.") && !isStreamsOnly(k)) {
                client.put(k, v);
            }
        });
        return client;
    }

    private static boolean isStreamsOnly(String key) {
        return key.equals("application.id") || key.equals("num.stream.threads") || key.equals("processing.guarantee")
                || key.startsWith("producer.") || key.startsWith("consumer.") || key.startsWith("admin.")
                || key.equals("state.dir") || key.equals("commit.interval.ms") || key.equals("group.protocol");
    }
}
