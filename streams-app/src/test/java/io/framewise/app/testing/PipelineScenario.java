package io.framewise.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.framewise.app.FramewiseApplication;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeCollector;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.Status;
import io.framewise.schema.serde.FramewiseSerdes;

/** The end-to-end scenario, run against whichever broker an IT provides (embedded, or a container). */
public final class PipelineScenario {
    private PipelineScenario() {
    }

    /**
     * Publishes 3 cameras x 40 JPEG frames plus one corrupt frame, runs the application, and checks: exactly one
     * event per frame, keys and sequences match, per-camera order, labels from the model's label file, consistent
     * latency fields, and the corrupt frame dead-lettered while its camera goes on.
     */
    public static void run(Map<String, Object> settings, Map<String, Object> client, Path model) throws Exception {
        settings.put("num.stream.threads", "2");
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "60000"); // ordering and accounting, not speed, under test
        FramewiseConfig config = new FramewiseConfig(settings);
        int cameras = 3;
        int perCamera = 40;
        // A corrupt frame in the middle of camera 1's stream: dead-lettered, and camera 1 goes on.
        byte[] corrupt = Arrays.copyOf(TestFrames.jpeg(320, 240, 0, 0), 500);

        FrameLedger ledger = new FrameLedger();
        try (ServedModels models = ModelLoader.load(config, model);
             FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60));
             FramePublisher publisher = new FramePublisher(client, config.inputTopic(), Clock.systemUTC()).withLedger(ledger)) {
            ImageEncoder jpeg = new ImageEncoder(Codec.JPEG, 85);
            for (int c = 0; c < cameras; c++) {
                String camera = "cam-" + c;
                try (SyntheticScene scene = new SyntheticScene(320, 240, c, camera, perCamera / 2)) {
                    publisher.publish(camera, scene, jpeg, 0, 0, Map.of(), null);
                }
                if (c == 1) {
                    publisher.send(camera, perCamera / 2, FramewiseSerdes.frame().encode(
                            TestFrames.frame(camera, perCamera / 2, Clock.systemUTC().instant(), corrupt, Codec.JPEG)));
                }
                try (SyntheticScene scene = new SyntheticScene(320, 240, c, camera, perCamera / 2)) {
                    publisher.publish(camera, scene, jpeg, 0, c == 1 ? perCamera / 2 + 1 : perCamera / 2, Map.of(), null);
                }
            }
            publisher.flush();
            int expected = cameras * perCamera + 1;
            assertThat(publisher.acked()).isEqualTo(expected);

            List<Outcome> outcomes = new ArrayList<>();
            OutcomeCollector collector = new OutcomeCollector(client, config.outputTopic(), config.deadLetterTopic(), false,
                    ledger, outcomes::add);
            try {
                // 2 s of quiet once all are in: anything extra would be a duplicate
                collector.awaitAccounted(Duration.ofSeconds(120), Duration.ofSeconds(2), () -> !app.isAlive());
            } finally {
                collector.close();
            }
            assertThat(ledger.verdict()).isEqualTo("every frame accounted for");
            assertThat(outcomes).hasSize(expected);

            List<String> labels = Files.readAllLines(model.resolve("labels.txt"));
            Map<String, List<Long>> sequences = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (Outcome o : outcomes) {
                if (!o.isEvent()) {
                    assertThat(o.key()).isEqualTo("cam-1");
                    assertThat(o.deadLetter().message()).contains("TRUNCATED");
                    assertThat(FramewiseSerdes.frame().decode(o.deadLetter().value()).getSequence()).isEqualTo(perCamera / 2);
                    continue;
                }
                Classification e = o.event();
                assertThat(o.key()).isEqualTo(e.getCameraId());
                assertThat(seen.add(e.getCameraId() + "/" + e.getSequence())).as("duplicate event").isTrue();
                sequences.computeIfAbsent(e.getCameraId(), k -> new ArrayList<>()).add(e.getSequence());
                assertThat(e.getStatus()).isEqualTo(Status.OK);
                assertThat(e.getLabels()).hasSize(config.topK());
                assertThat(e.getLabels()).allSatisfy(l -> assertThat(l.getLabel()).isEqualTo(labels.get(l.getIndex())));
                LatencyBreakdown l = e.getLatency();
                assertThat(l.getDecodeMs()).isPositive();
                assertThat(l.getPreprocessMs()).isPositive();
                assertThat(l.getInferenceMs()).isPositive();
                assertThat(l.getQueueingMs()).isNotNegative();
                assertThat(l.getTotalMs()).isGreaterThanOrEqualTo(
                        l.getQueueingMs() + l.getDecodeMs() + l.getPreprocessMs() + l.getInferenceMs());
                assertThat(e.getClassifiedTimestamp()).isAfterOrEqualTo(e.getCaptureTimestamp());
                assertThat(e.getDeadlineMet()).isTrue();
            }
            assertThat(sequences).hasSize(cameras);
            for (var entry : sequences.entrySet()) {
                List<Long> expectedSequence = new ArrayList<>();
                for (long s = 0; s <= perCamera; s++) {
                    if (!(entry.getKey().equals("cam-1") && s == perCamera / 2) && !(!entry.getKey().equals("cam-1") && s == perCamera)) {
                        expectedSequence.add(s);
                    }
                }
                assertThat(entry.getValue()).as("order of " + entry.getKey()).containsExactlyElementsOf(expectedSequence);
            }
        }
    }
}
