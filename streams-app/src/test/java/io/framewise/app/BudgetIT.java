package io.framewise.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.pipeline.InferenceService;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeReader;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.inference.tiny.TinyConvNet;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A burst of frames against a deliberately slow real model on the real broker: with the skip policy the frames that
 * cannot make it are skipped, with the fallback policy the fast model answers them; every frame is accounted for.
 */
class BudgetIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();
    static Path slow;
    static Path fast;

    @BeforeAll
    static void start() throws IOException {
        slow = fixture.root().resolve("slow");
        fast = fixture.root().resolve("fast");
        TinyConvNet.export(slow, 1, 224, 8);
        TinyConvNet.export(fast, 2, 224);
    }

    @Test
    void skipPolicySkipsWhatTheSlowModelCannotMakeAndClassifiesTheRest() throws Exception {
        List<Classification> events = runPaced("skip", Map.of(FramewiseConfig.BUDGET_POLICY_CONFIG, "skip"));
        Map<Status, Long> byStatus = events.stream().collect(Collectors.groupingBy(Classification::getStatus, Collectors.counting()));
        assertThat(byStatus.getOrDefault(Status.SKIPPED_LATE, 0L)).as(byStatus + " " + describe(events)).isPositive();
        assertThat(byStatus.getOrDefault(Status.OK, 0L)).as(byStatus + " " + describe(events)).isPositive();
        assertThat(events).filteredOn(e -> e.getStatus() == Status.OK)
                .allSatisfy(e -> assertThat(e.getModel().getName()).isEqualTo("slow-convnet"));
    }

    @Test
    void fallbackPolicyLetsTheFastModelAnswerWhatTheSlowOneCannotMake() throws Exception {
        List<Classification> events = runPaced("fallback", Map.of(FramewiseConfig.BUDGET_POLICY_CONFIG, "fallback",
                FramewiseConfig.FALLBACK_MODEL_DIR_CONFIG, fast.toString()));
        Map<String, Long> byModel = events.stream().filter(e -> e.getStatus() == Status.OK)
                .collect(Collectors.groupingBy(e -> e.getModel().getName(), Collectors.counting()));
        assertThat(byModel.getOrDefault("tiny-convnet", 0L)).as(byModel + " " + describe(events)).isPositive();
        assertThat(byModel.getOrDefault("slow-convnet", 0L)).as(byModel.toString()).isPositive();
        assertThat(events).filteredOn(e -> e.getModel().getName().equals("tiny-convnet"))
                .allSatisfy(e -> assertThat(e.getLabels()).isNotEmpty());
    }

    private static String describe(List<Classification> events) {
        return events.stream().limit(20).map(e -> e.getStatus() + "/" + e.getModel().getName() + " q="
                + Math.round(e.getLatency().getQueueingMs()) + " inf=" + Math.round(e.getLatency().getInferenceMs())
                + " tot=" + Math.round(e.getLatency().getTotalMs()) + "/" + e.getBudgetMs()).toList().toString();
    }

    /**
     * Two cameras publishing in real time at twice what the slow model can take (at its largest batch), with a budget
     * of 3 batch latencies: fresh frames fit the slow model, frames that age behind it do not. Returns every event.
     */
    private List<Classification> runPaced(String name, Map<String, String> policy) throws Exception {
        Map<String, Object> settings = fixture.settings(name);
        settings.putAll(policy);
        settings.put(FramewiseConfig.MAX_BATCH_SIZE_CONFIG, "2");
        int frames = 60;
        try (InferenceService models = InferenceService.load(new FramewiseConfig(settings), slow)) {
            new FrameAnalyzer(models, 10_000_000, 3, 30_000).warmUp(); // measures the slow model's batch latencies
            long batchMs = Math.max(5, models.primary().engine().estimator().estimate(2) / 1_000_000);
            // capacity at the largest batch (2 frames per batch), and twice that offered by the two cameras together
            double capacity = 2 * 1000.0 / batchMs;
            settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, String.valueOf(3 * batchMs + 100));
            double fpsPerCamera = capacity;
            FramewiseConfig config = new FramewiseConfig(settings);
            List<Classification> events = new ArrayList<>();
            try (InferenceService serving = InferenceService.load(config, slow);
                 FramewiseApplication app = FramewiseApplication.start(config, serving, Clock.systemUTC(), Duration.ofSeconds(60));
                 FramePublisher publisher = new FramePublisher(fixture.client(), config.inputTopic(), Clock.systemUTC());
                 OutcomeReader reader = new OutcomeReader(fixture.client(), config.outputTopic(), config.deadLetterTopic(), false)) {
                ImageEncoder jpeg = new ImageEncoder(Codec.JPEG, 80);
                List<Thread> cameras = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    int index = c;
                    Thread camera = new Thread(() -> {
                        try (SyntheticScene scene = new SyntheticScene(320, 240, index, "cam-" + index, frames / 2)) {
                            publisher.publish("cam-" + index, scene, jpeg, fpsPerCamera, 0, Map.of(), null);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, "camera-" + index);
                    camera.start();
                    cameras.add(camera);
                }
                for (Thread t : cameras) {
                    t.join();
                }
                publisher.flush();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                List<Outcome> outcomes = new ArrayList<>();
                while (outcomes.size() < frames && System.nanoTime() < deadline) {
                    outcomes.addAll(reader.poll(Duration.ofMillis(200)));
                }
                assertThat(outcomes).as("every frame accounted for").hasSize(frames);
                assertThat(outcomes).allMatch(Outcome::isEvent);
                outcomes.forEach(o -> events.add(o.event()));
            }
            return events;
        }
    }
}
