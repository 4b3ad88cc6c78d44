package io.framewise.app.cli;

import java.io.IOException;
import java.util.Map;

import io.framewise.app.Topics;
import io.framewise.app.config.FramewiseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every command that talks to an existing Kafka cluster shares. */
@Command // picocli takes a class as a mixin only if it carries a picocli annotation
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka cluster to use (else bootstrap.servers from --config, FRAMEWISE_KAFKA_BOOTSTRAP_SERVERS, or --set).")
    String bootstrapServers;

    @Mixin
    SettingsOptions settings;

    /** Every setting from file, environment and command line, with the bootstrap servers checked. */
    Map<String, Object> settings() throws IOException {
        Map<String, Object> resolved = settings.resolve(System.getenv(),
                bootstrapServers == null ? Map.of() : Map.of("bootstrap.servers", bootstrapServers));
        if (resolved.get("bootstrap.servers") == null || resolved.get("bootstrap.servers").toString().isBlank()) {
            throw new CliException("no Kafka cluster given",
                    "pass --bootstrap-servers HOST:PORT (or start one with 'framewise broker')");
        }
        return resolved;
    }

    /** The cluster answers within the start-up timeout, or the command stops with one line saying what to check. */
    static void requireReachable(Map<String, Object> settings, FramewiseConfig config) {
        try {
            // a client retries an unreachable cluster for ever: say so at once instead of waiting silently
            Topics.checkReachable(FramewiseConfig.clientSettings(settings), config.startupTimeoutMs());
        } catch (Topics.BrokerUnavailableException e) {
            throw unreachable(e);
        }
    }

    /** The one line for a cluster that did not answer (or refused the credentials). */
    static CliException unreachable(Topics.BrokerUnavailableException e) {
        return new CliException(e.getMessage(), "check --bootstrap-servers and the client security settings");
    }
}
