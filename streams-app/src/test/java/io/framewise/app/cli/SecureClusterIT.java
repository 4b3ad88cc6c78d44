package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.framewise.app.testing.FramewiseProcess;
import io.framewise.app.tools.broker.EmbeddedKafkaBroker;
import io.framewise.inference.tiny.TinyConvNet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A secured cluster: the broker's client listener speaks SASL_SSL with SCRAM-SHA-512 and a certificate this test
 * generates. framewise run (its own process), publish and consume work with the right credentials, fail with one
 * clear line with wrong ones, and never print the secret.
 */
@Tag("multi-process")
class SecureClusterIT {
    private static final String PASSWORD = "s3cret-Alice-pw";
    private static final String STORE_PASSWORD = "store-pw-123";
    static Path root;
    static EmbeddedKafkaBroker broker;
    static Path model;
    static Path clientConfig;
    static Path wrongConfig;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("framewise-secure-");
        Path keystore = root.resolve("broker.p12");
        Path truststore = root.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        Path cert = root.resolve("broker.pem");
        keytool("-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                "-rfc", "-file", cert.toString());
        keytool("-importcert", "-alias", "broker", "-file", cert.toString(), "-keystore", truststore.toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-noprompt");

        int securePort = EmbeddedKafkaBroker.anyFreePort();
        broker = new EmbeddedKafkaBroker(root.resolve("kafka"), 0, Map.of("sasl.enabled.mechanisms", "SCRAM-SHA-512"))
                .withScramUser("SCRAM-SHA-512", "alice", PASSWORD)
                .withListener("SECURE", "SASL_SSL", securePort, Map.of(
                        "sasl.enabled.mechanisms", "SCRAM-SHA-512",
                        "scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                        "ssl.keystore.location", keystore.toString(),
                        "ssl.keystore.type", "PKCS12",
                        "ssl.keystore.password", STORE_PASSWORD,
                        "ssl.key.password", STORE_PASSWORD))
                .start();
        model = root.resolve("tiny");
        TinyConvNet.export(model, 13, 64);
        clientConfig = writeClientConfig(root.resolve("client.properties"), PASSWORD, truststore);
        wrongConfig = writeClientConfig(root.resolve("wrong.properties"), "not-the-password", truststore);
    }

    @AfterAll
    static void stop() throws IOException {
        broker.close();
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Path writeClientConfig(Path file, String password, Path truststore) throws IOException {
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\""
                        + password + "\";",
                "ssl.truststore.location=" + truststore,
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.password=" + STORE_PASSWORD,
                "framewise.startup.timeout.ms=15000",
                ""));
        return file;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }

    @Test
    void runPublishAndConsumeWorkAgainstTlsAndScramAndFailClearlyWithWrongCredentials() throws Exception {
        String secure = broker.bootstrapServers("SECURE");
        // Kafka's INFO configuration dumps on: the secrets must be masked there too, not just absent from quiet logs
        String dumps = "-Dlogback.configurationFile=" + Path.of(getClass().getResource("/logback-config-dumps.xml").toURI());
        try (FramewiseProcess run = FramewiseProcess.startWithJvmOptions(root.resolve("run.log"), List.of(dumps), "run",
                "--bootstrap-servers", secure,
                "--config", clientConfig.toString(), "--model", model.toString(),
                "--set", "application.id=secure-app", "--set", "state.dir=" + root.resolve("state"),
                "--set", "framewise.latency.budget.ms=600000")) {
            assertThat(run.awaitLog("is RUNNING", Duration.ofSeconds(90))).as(run.log()).isTrue();

            var publish = CommandLineIT.framewise("publish", "--bootstrap-servers", secure, "--config", clientConfig.toString(),
                    "--camera", "vault", "--source", "synthetic", "--size", "160x120", "--frames", "20");
            assertThat(publish.exitCode()).as(publish.err()).isZero();
            assertThat(publish.err()).contains("published 20 of 20 frames");

            var consume = CommandLineIT.framewise("consume", "--bootstrap-servers", secure, "--config", clientConfig.toString(),
                    "--json", "--max-events", "20", "--timeout", "60");
            assertThat(consume.exitCode()).as(consume.err()).isZero();
            assertThat(consume.out().lines().filter(l -> l.contains("\"status\":\"OK\"")).count()).isEqualTo(20);

            var wrongPublish = CommandLineIT.framewise("publish", "--bootstrap-servers", secure, "--config", wrongConfig.toString(),
                    "--camera", "vault", "--source", "synthetic", "--frames", "1");
            assertThat(wrongPublish.exitCode()).isEqualTo(2);
            assertThat(wrongPublish.err()).containsIgnoringCase("authentication failed").contains("fix:").doesNotContain("\tat ");

            var wrongRun = CommandLineIT.run("--bootstrap-servers", secure, "--config", wrongConfig.toString(),
                    "--model", model.toString(), "--set", "application.id=intruder");
            assertThat(wrongRun.exitCode()).isEqualTo(2);
            assertThat(wrongRun.err()).containsIgnoringCase("authentication failed").doesNotContain("\tat ");

            assertThat(run.log()).as("the configuration dumps were logged, with the secrets masked")
                    .contains("ConsumerConfig values").contains("ProducerConfig values")
                    .contains("sasl.jaas.config = [hidden]").contains("ssl.truststore.password = [hidden]");
            for (String output : List.of(run.log(), publish.out(), publish.err(), consume.out(), consume.err(),
                    wrongPublish.err(), wrongRun.err())) {
                assertThat(output).doesNotContain(PASSWORD).doesNotContain(STORE_PASSWORD).doesNotContain("not-the-password");
            }
        }
    }
}
