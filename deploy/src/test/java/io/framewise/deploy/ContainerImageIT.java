package io.framewise.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.tools.client.Outcome;
import io.framewise.schema.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The image this module builds ({@code target/framewise-image.tar}), run the way a user runs it: loaded into
 * podman, started with its default command against a real broker (the embedded one, on the host network, 127.0.0.1),
 * given a model directory as a read-only volume. It must classify frames, dead-letter garbage, serve its probes and
 * metrics, and stop cleanly on SIGTERM. On these machines podman needs {@code --runtime runc} and explicit ulimits
 * within the sandbox's own (the defaults ask for more than it allows). It runs with a read-only root filesystem and
 * no capabilities, as the Helm chart runs it.
 */
class ContainerImageIT {
    static final Path IMAGE_TAR = Path.of("target", "framewise-image.tar");
    static final List<String> RUN_OPTIONS = List.of("--runtime", "runc", "--network", "host",
            "--ulimit", "nofile=16384:16384", "--ulimit", "nproc=4096:4096");

    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();

    private static String podman;
    private static String image;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void load() throws Exception {
        podman = Commands.require("podman", "podman runc");
        assertThat(IMAGE_TAR).as("the image tarball built by 'mvn package' in deploy/").exists();
        String loaded = Commands.check(Duration.ofMinutes(5), podman, "load", "-q", "-i", IMAGE_TAR.toString());
        // "Loaded image: localhost/framewise:0.1.0-SNAPSHOT" (podman 4) or "Loaded image(s): ..." (later ones)
        image = loaded.lines().filter(l -> l.startsWith("Loaded image")).reduce((a, b) -> b).orElseThrow()
                .replaceFirst("^Loaded image\\(?s?\\)?: ", "").trim();
        // The container runs as uid 10001: the model must be readable by others, as on a volume of a real cluster.
        makeWorldReadable(fixture.root());
    }

    @Test
    void theImageClassifiesFramesServesProbesAndMetricsAndStopsCleanlyOnSigterm() throws Exception {
        Map<String, Object> settings = fixture.settings("container");
        int port = freePort();
        String name = "framewise-it-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> run = Commands.list(podman, "run", "-d", "--name", name);
        run.addAll(RUN_OPTIONS);
        // as the Helm chart runs it: read-only root, no capabilities, writable scratch only where the chart mounts it
        run.addAll(List.of("--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--tmpfs", "/tmp:rw,mode=1777", "--tmpfs", "/var/lib/framewise:rw,mode=1777"));
        run.addAll(List.of("-v", fixture.model().toAbsolutePath() + ":/models/current:ro",
                "-e", "FRAMEWISE_KAFKA_BOOTSTRAP_SERVERS=" + fixture.broker().bootstrapServers(),
                "-e", "FRAMEWISE_KAFKA_APPLICATION_ID=" + settings.get("application.id"),
                "-e", "FRAMEWISE_INPUT_TOPIC=" + settings.get("framewise.input.topic"),
                "-e", "FRAMEWISE_OUTPUT_TOPIC=" + settings.get("framewise.output.topic"),
                "-e", "FRAMEWISE_DEAD_LETTER_TOPIC=" + settings.get("framewise.dead.letter.topic"),
                "-e", "FRAMEWISE_TOPICS_PARTITIONS=3",
                "-e", "FRAMEWISE_LATENCY_BUDGET_MS=600000",
                "-e", "FRAMEWISE_HTTP_HOST=127.0.0.1",
                "-e", "FRAMEWISE_HTTP_PORT=" + port,
                image));
        Commands.Result started = Commands.run(Duration.ofMinutes(2), run);
        assertThat(started.exitCode()).as(started.output()).isZero();
        FrameTraffic traffic = new FrameTraffic(fixture.client(), (String) settings.get("framewise.input.topic"),
                (String) settings.get("framewise.output.topic"), (String) settings.get("framewise.dead.letter.topic"));
        try {
            // Live while the model loads and warms up; ready once RUNNING.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(port, "/health/live").statusCode() == 200);
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> get(port, "/health/ready").statusCode() == 200);

            traffic.publish(2, 20, 20, 3);
            List<Outcome> outcomes = traffic.awaitAll(Duration.ofSeconds(90));
            assertThat(outcomes.stream().filter(Outcome::isEvent).map(o -> o.event().getStatus()))
                    .hasSize(40).containsOnly(Status.OK);
            assertThat(outcomes.stream().filter(o -> !o.isEvent())).hasSize(3);

            assertThat(get(port, "/metrics").body()).contains("framewise_events_total{").contains("status=\"ok\"")
                    .contains("process_resident_memory_bytes{");
            // the clients' metrics of partitions assigned after the start are bound within the binder's 10 s refresh
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(get(port, "/metrics").body()).contains("kafka_consumer_fetch_manager_records_lag{"));

            Commands.check(Duration.ofSeconds(60), podman, "stop", "--time", "40", name);
            String exit = Commands.check(Duration.ofSeconds(30), podman, "inspect", name, "--format", "{{.State.ExitCode}}").trim();
            String logs = Commands.run(Duration.ofSeconds(30), List.of(podman, "logs", name)).output();
            assertThat(exit).as(logs).isEqualTo("0");
            assertThat(logs).contains("framewise run: stopped cleanly").doesNotContain("Exception in thread");
        } finally {
            traffic.close();
            Commands.run(Duration.ofSeconds(60), List.of(podman, "rm", "-f", name));
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void makeWorldReadable(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
