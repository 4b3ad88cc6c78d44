package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.FrameMetrics;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.testing.MutableClock;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.decoder.ImageDecoder;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModel;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget policies and per-camera sampling through the real topology, with a primary model made deterministically
 * slow (a fake model whose batches take {@value #SLOW_MS} ms), a fast fake as the fallback, warm estimates, and a clock
 * the test controls. Decoding is counted, so "not decoded" is observed, not inferred from a zero in the event.
 */
class BudgetPolicyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final long BUDGET_MS = 10_000;
    private static final long SLOW_MS = 150;

    @TempDir
    static Path temp;
    static ServedModels models;
    static byte[] jpeg;
    static final AtomicInteger decoded = new AtomicInteger();
    static FrameAnalyzer analyzer;

    @BeforeAll
    static void models() throws IOException {
        ServedModel slow = FakeModels.named("slow-convnet", 1, 224, size -> SLOW_MS).maxBatch(2).maxWaitMs(1).topK(3)
                .probeAfterNanos(FakeModels.NO_PROBES).start();
        ServedModel fast = FakeModels.tiny(2, 224, size -> 2).maxBatch(2).maxWaitMs(1).topK(3).start();
        models = new ServedModels(slow, fast);
        ImageDecoder decoder = new ImageDecoder(10_000_000);
        analyzer = new FrameAnalyzer(models, f -> {
            decoded.incrementAndGet();
            return decoder.decode(f.getCodec(), f.getPayload(), f.getWidth(), f.getHeight());
        }, 30_000);
        analyzer.warmUp();
        jpeg = TestFrames.jpeg(320, 240, 0, 0);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    private final MutableClock clock = new MutableClock(T0);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The topology with the shared analyzer, one frame at a time, the budget and {@code extra} settings. */
    private TopologyHarness driver(Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(extra);
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, BUDGET_MS);
        return new TopologyHarness(analyzer, clock, T0, settings, registry);
    }

    /** A frame whose remaining budget is {@code remainingMs}. */
    private Frame frame(long sequence, double remainingMs) {
        Instant captured = clock.instant().minusNanos((long) ((BUDGET_MS - remainingMs) * 1e6));
        return TestFrames.frame("cam", sequence, captured, jpeg, Codec.JPEG);
    }

    private Classification send(TopologyHarness d, Frame f) {
        d.frames.pipeInput("cam", f);
        return d.events.readValue();
    }

    @Test
    void skipEmitsSkippedLateAtOnceWithoutDecodingWhenThePredictionMissesTheDeadline() {
        try (TopologyHarness d = driver(Map.of(FramewiseConfig.BUDGET_POLICY_CONFIG, "skip"))) {
            int before = decoded.get();
            Classification late = send(d, frame(0, SLOW_MS / 3.0));
            assertThat(late.getStatus()).isEqualTo(Status.SKIPPED_LATE);
            assertThat(decoded.get()).as("frames decoded").isEqualTo(before);
            assertThat(late.getLabels()).isEmpty();
            assertThat(late.getNote()).startsWith("skipped: the model could not answer in time");
            assertThat(late.getLatency().getTotalMs() - late.getLatency().getQueueingMs()).as("answered at once").isLessThan(SLOW_MS);
            Classification timely = send(d, frame(1, BUDGET_MS - 1));
            assertThat(timely.getStatus()).isEqualTo(Status.OK);
            assertThat(timely.getModel().getName()).isEqualTo("slow-convnet");
            assertThat(decoded.get()).isEqualTo(before + 1);
        }
    }

    @Test
    void fallbackAnswersWithTheFasterModelWhenItCanStillMakeIt() {
        try (TopologyHarness d = driver(Map.of(FramewiseConfig.BUDGET_POLICY_CONFIG, "fallback",
                FramewiseConfig.FALLBACK_MODEL_DIR_CONFIG, temp.resolve("fast").toString()))) {
            Classification e = send(d, frame(0, SLOW_MS / 2.0));
            assertThat(e.getStatus()).isEqualTo(Status.OK);
            assertThat(e.getModel().getName()).isEqualTo("tiny-convnet");
            assertThat(e.getLabels()).hasSize(3);
            Classification impossible = send(d, frame(1, 0.001));
            assertThat(impossible.getStatus()).isEqualTo(Status.SKIPPED_LATE);
            assertThat(send(d, frame(2, BUDGET_MS - 1)).getModel().getName()).isEqualTo("slow-convnet");
        }
    }

    @Test
    void bestEffortClassifiesAnywayAndSaysTheDeadlineWasMissed() {
        try (TopologyHarness d = driver(Map.of(FramewiseConfig.BUDGET_POLICY_CONFIG, "best-effort"))) {
            Classification e = send(d, frame(0, SLOW_MS / 3.0));
            assertThat(e.getStatus()).isEqualTo(Status.OK);
            assertThat(e.getModel().getName()).isEqualTo("slow-convnet");
            assertThat(e.getDeadlineMet()).isFalse();
            assertThat(e.getLatency().getTotalMs()).isGreaterThan(e.getBudgetMs());
        }
    }

    @Test
    void aSpentBudgetIsSkippedWhateverThePolicy() {
        try (TopologyHarness d = driver(Map.of(FramewiseConfig.BUDGET_POLICY_CONFIG, "best-effort"))) {
            assertThat(send(d, frame(0, -5)).getStatus()).isEqualTo(Status.SKIPPED_LATE);
        }
    }

    @Test
    void aCamerasBacklogIsServedFrameByFrameWhileItCanAllMakeItsDeadlinesAndSkippedOnlyWhenItCannot() {
        // A 25 fps video taken 3 s late: 73 newer frames of the camera are behind each one. The model drains a
        // backlog at 75 ms a frame (150 ms per batch of 2) against frames 40 ms apart, and each has 7 s of budget
        // left: the newest of them finishes well within its own deadline, so none is skipped for freshness.
        try (TopologyHarness d = driver(Map.of())) {
            for (int i = 0; i < 8; i++) {
                clock.advance(Duration.ofMillis(40));
                Classification e = send(d, TestFrames.frame("video", i, clock.instant().minusMillis(3000), jpeg, Codec.JPEG));
                assertThat(e.getStatus()).as("frame %d: %s", i, e.getNote()).isEqualTo(Status.OK);
            }
            // 8 s late, 2 s left: the 198 frames behind would take 15 s to drain at 75 ms each, past the newest one's
            // deadline (2 s + 198 x 40 ms): the oldest has to go
            clock.advance(Duration.ofMillis(5040));
            Classification stale = send(d, TestFrames.frame("video", 8, clock.instant().minusMillis(8000), jpeg, Codec.JPEG));
            assertThat(stale.getStatus()).isEqualTo(Status.SKIPPED_LATE);
            assertThat(stale.getNote()).startsWith("skipped: superseded by newer frames of its camera");
        }
    }

    @Test
    void samplingKeepsAtMostMaxFpsPerCameraWithoutDecodingTheRest() {
        try (TopologyHarness d = driver(Map.of(FramewiseConfig.CAMERA_MAX_FPS_CONFIG, "5"))) {
            List<Long> offsetsMs = List.of(0L, 100L, 199L, 200L, 350L, 420L);
            List<Status> statuses = new ArrayList<>();
            int before = decoded.get();
            for (int i = 0; i < offsetsMs.size(); i++) {
                Frame f = TestFrames.frame("cam", i, T0.plusMillis(offsetsMs.get(i)), jpeg, Codec.JPEG);
                d.frames.pipeInput("cam", f);
                Classification e = d.events.readValue();
                statuses.add(e.getStatus());
            }
            // kept: 0 ms; 200 ms (>= 200 after 0); 420 ms (>= 200 after 200)
            assertThat(statuses).containsExactly(Status.OK, Status.SKIPPED_SAMPLED, Status.SKIPPED_SAMPLED, Status.OK,
                    Status.SKIPPED_SAMPLED, Status.OK);
            assertThat(decoded.get()).as("only the kept frames are decoded").isEqualTo(before + 3);
            // another camera is sampled independently
            d.frames.pipeInput("other", TestFrames.frame("other", 0, T0.plusMillis(100), jpeg, Codec.JPEG));
            assertThat(d.events.readValue().getStatus()).isEqualTo(Status.OK);
        }
    }

    @Test
    void metricsCountEventsByStatusAndRecordStageLatenciesInPrometheusNames() {
        try (TopologyHarness d = driver(Map.of())) {
            send(d, frame(0, BUDGET_MS - 1));
            send(d, frame(1, -1));
            String scrape = registry.scrape();
            String model = "model=\"" + analyzer.models().primary().tag().name() + "\"";
            assertThat(sample(scrape, "framewise_events_total", "status=\"ok\"", model)).isEqualTo(1.0);
            assertThat(sample(scrape, "framewise_events_total", "status=\"skipped_late\"", model)).isEqualTo(1.0);
            assertThat(sample(scrape, "framewise_goodput_frames_total", model, "precision=\"float32\"")).isEqualTo(1.0);
            assertThat(sample(scrape, "framewise_stage_latency_seconds_count", "stage=\"inference\"")).isEqualTo(1.0);
            assertThat(sample(scrape, "framewise_stage_latency_seconds_count", "stage=\"total\"")).isEqualTo(2.0);
            assertThat(sample(scrape, "framewise_batch_size_bucket", "le=\"1.0\"")).isEqualTo(1.0);
            // a model's other meters exist at zero as soon as it is seen
            assertThat(sample(scrape, "framewise_deadline_misses_total", model)).isZero();
            assertThat(sample(scrape, "framewise_events_total", "status=\"skipped_sampled\"", model)).isZero();
            // and per camera, each of its statuses from its first frame on
            assertThat(sample(scrape, "framewise_camera_events_total", "camera=\"cam\"", "status=\"ok\"")).isEqualTo(1.0);
            assertThat(sample(scrape, "framewise_camera_events_total", "camera=\"cam\"", "status=\"skipped_late\"")).isEqualTo(1.0);
            assertThat(sample(scrape, "framewise_camera_events_total", "camera=\"cam\"", "status=\"skipped_sampled\"")).isZero();
            assertThat(sample(scrape, "framewise_camera_dead_letters_total", "camera=\"cam\"", "stage=\"in_flight\"")).isZero();
            assertThat(sample(scrape, "framewise_camera_dead_letters_total", "camera=\"cam\"", "stage=\"arrival\"")).isZero();
            assertThat(sample(scrape, "framewise_camera_frames_total", "camera=\"cam\"")).isEqualTo(2.0);
            assertThat(sample(scrape, "framewise_camera_skips_total", "camera=\"cam\"", "reason=\"expired\"")).isEqualTo(1.0);
            assertThat(sample(scrape, "framewise_camera_latency_seconds_count", "camera=\"cam\"")).isEqualTo(2.0);
            assertThat(sample(scrape, "framewise_camera_last_seen_age_seconds", "camera=\"cam\"")).isBetween(0.0, 60.0);
        }
    }

    @Test
    void aModelsMetersExistAtZeroOnceItIsAnnouncedBeforeAnyFrame() {
        // so that rates and ratios over them exist, and alerts on them can fire, before the first skip or miss
        PrometheusMeterRegistry fresh = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FrameMetrics metrics = new FrameMetrics(fresh);
        String model = "model=\"" + analyzer.models().primary().tag().name() + "\"";
        assertThat(fresh.scrape()).doesNotContain("framewise_deadline_misses_total{").doesNotContain("framewise_events_total{");
        metrics.model(analyzer.models().primary().tag());
        String scrape = fresh.scrape();
        assertThat(sample(scrape, "framewise_deadline_misses_total", model)).isZero();
        assertThat(sample(scrape, "framewise_goodput_frames_total", model)).isZero();
        for (String status : List.of("ok", "skipped_late", "skipped_sampled")) {
            assertThat(sample(scrape, "framewise_events_total", "status=\"" + status + "\"", model)).isZero();
        }
        assertThat(sample(scrape, "framewise_batch_size_count", model)).isZero();
    }

    /** The value of the one sample of {@code name} whose labels contain every one of {@code labels}. */
    private static double sample(String scrape, String name, String... labels) {
        List<String> lines = scrape.lines()
                .filter(l -> l.startsWith(name + "{") && List.of(labels).stream().allMatch(l::contains)).toList();
        assertThat(lines).as("samples of %s with %s", name, List.of(labels)).hasSize(1);
        String line = lines.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
