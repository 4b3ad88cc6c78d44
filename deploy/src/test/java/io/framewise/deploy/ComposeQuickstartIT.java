package io.framewise.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeReader;
import io.framewise.inference.tiny.TinyConvNet;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart file users copy (deploy/compose/compose.yaml), run as they run it: Debian's podman-compose, the
 * images this build made under the names the file gives by default, only the model and the host ports set. The
 * camera publishes until it is stopped; then every frame in the frames topic has exactly one event or dead letter,
 * records that are no frame are dead-lettered with their reason, and framewise, stopped as compose stops it (SIGTERM), exits 0 saying "stopped cleanly".
 */
class ComposeQuickstartIT {
    static final Path COMPOSE_FILE = Path.of("compose", "compose.yaml");
    static final int GARBAGE = 3;

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theQuickstartClassifiesEveryFrameOfItsCameraAndStopsCleanly() throws Exception {
        String podman = Commands.require("podman", ContainerEngine.PACKAGES);
        String compose = Commands.require("podman-compose", "podman-compose");
        long begin = System.nanoTime();
        PodmanImages images = new PodmanImages(podman);
        images.ensure(Images.framewiseTar());
        images.ensure(Images.kafkaTar());
        double imagesSeconds = (System.nanoTime() - begin) / 1e9;

        Path model = temp.resolve("model");
        TinyConvNet.export(model, 5, 64);
        TestHost.makeWorldReadable(temp);
        int httpPort = TestHost.freePort();
        int kafkaPort = TestHost.freePort();
        String project = "framewise-it-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>(Map.of(
                // podman-compose drives the podman command, which reads this (ulimits, runc: see PodmanService)
                "CONTAINERS_CONF", Files.writeString(temp.resolve("containers.conf"), PodmanService.CONTAINERS_CONF).toString(),
                "FRAMEWISE_MODEL", model.toAbsolutePath().toString(),
                "FRAMEWISE_HTTP_PORT", String.valueOf(httpPort),
                "KAFKA_HOST_PORT", String.valueOf(kafkaPort),
                "CAMERA_FPS", "10",
                "CAMERA_SIZE", "320x240"));
        List<String> composeCommand = List.of(compose, "-p", project, "-f", COMPOSE_FILE.toAbsolutePath().toString());
        Map<String, Object> client = Map.of("bootstrap.servers", "localhost:" + kafkaPort);
        try {
            Commands.Result up = Commands.run(Duration.ofMinutes(3), with(composeCommand, "up", "-d"), env);
            assertThat(up.exitCode()).as(up.output()).isZero();
            long upAt = System.nanoTime();
            await().atMost(Duration.ofMinutes(3)).ignoreExceptions()
                    .until(() -> get(httpPort, "/health/ready").statusCode() == 200);
            double readySeconds = (System.nanoTime() - upAt) / 1e9;

            // some of the camera's frames classified, then the camera stopped, so that the frames topic is final
            try (OutcomeReader reader = new OutcomeReader(client, "classifications", "frames-dlq", true)) {
                List<Outcome> seen = new ArrayList<>();
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    seen.addAll(reader.poll(Duration.ofMillis(200)));
                    return seen.size() >= 30;
                });
            }
            // a publisher's bytes that are no frame: dead-lettered with the reason, and the camera's stream goes on
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < GARBAGE; i++) {
                    producer.send(new ProducerRecord<>("frames", "broken-camera", new byte[] {1, 2, 3})).get();
                }
            }
            Commands.Result stopCamera = Commands.run(Duration.ofMinutes(1), with(composeCommand, "stop", "camera"), env);
            assertThat(stopCamera.exitCode()).as(stopCamera.output()).isZero();

            FrameLedger ledger = new FrameLedger();
            for (Frame f : framesIn(client, "frames")) {
                ledger.published(f.getCameraId(), f.getSequence());
            }
            List<Outcome.DeadLetter> deadLetters = new ArrayList<>(); // of the records that are no frame
            try (OutcomeReader reader = new OutcomeReader(client, "classifications", "frames-dlq", true)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                boolean quiet = false;
                while (!(ledger.complete() && deadLetters.size() >= GARBAGE && quiet) && System.nanoTime() < deadline) {
                    // once all is there, one more poll of 2 s: a duplicate would show up by then
                    List<Outcome> outcomes = reader.poll(Duration.ofMillis(ledger.complete() ? 2000 : 200));
                    quiet = ledger.complete() && outcomes.isEmpty();
                    for (Outcome o : outcomes) {
                        if (o.isEvent() || frameOrNull(o.deadLetter().value()) != null) {
                            ledger.outcome(o);
                        } else {
                            deadLetters.add(o.deadLetter());
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "compose quickstart: %d frames published, %d accounted for, %d duplicates, "
                            + "%d dead letters of %d records that are no frame; images in podman after %.1f s, framewise "
                            + "ready %.1f s after 'up'%n", ledger.published(), ledger.accounted(), ledger.duplicates(),
                    deadLetters.size(), GARBAGE, imagesSeconds, readySeconds);
            assertThat(ledger.published()).as("frames the camera published").isGreaterThanOrEqualTo(30);
            assertThat(ledger.complete()).as(ledger.verdict()).isTrue();
            assertThat(ledger.duplicates()).isZero();
            assertThat(deadLetters).hasSize(GARBAGE).allSatisfy(d -> assertThat(d.message()).isNotBlank());
            assertThat(get(httpPort, "/metrics").body()).contains("framewise_events_total{");

            Commands.Result stop = Commands.run(Duration.ofMinutes(1), with(composeCommand, "stop", "framewise"), env);
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            String container = project + "_framewise_1";
            String logs = Commands.run(Duration.ofSeconds(30), List.of(podman, "logs", container)).output();
            String exit = Commands.check(Duration.ofSeconds(30), podman, "inspect", container, "--format",
                    "{{.State.ExitCode}}").trim();
            assertThat(exit).as(logs).isEqualTo("0");
            assertThat(logs).contains("framewise run: stopped cleanly");
        } finally {
            Commands.run(Duration.ofMinutes(2), with(composeCommand, "down"), env);
            // podman-compose 1.0.3's down leaves the network it made behind
            Commands.run(Duration.ofSeconds(30), List.of(podman, "network", "rm", "-f", project + "_default"), env);
        }
    }

    private static List<String> with(List<String> command, String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        return all;
    }

    /** The frame in {@code value}, or null where it is none (the test's own garbage). */
    private static Frame frameOrNull(byte[] value) {
        try {
            return FramewiseSerdes.frame().decode(value);
        } catch (RuntimeException notAFrame) {
            return null;
        }
    }

    /** Every frame in {@code topic}, to its end (records that are no frame left out). */
    private static List<Frame> framesIn(Map<String, Object> client, String topic) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Frame> frames = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Frame f = frameOrNull(r.value());
                    if (f != null) { // else the test's own garbage, accounted for by its dead letters
                        frames.add(f);
                    }
                }
            }
        }
        return frames;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
