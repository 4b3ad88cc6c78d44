package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.testing.MutableClock;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModels;
import io.framewise.inference.tiny.TinyConvNet;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Status;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FramewiseTopologyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final long BUDGET_MS = 500;

    @TempDir
    static Path temp;
    static ServedModels models;
    static byte[] jpeg;

    private final MutableClock clock = new MutableClock(T0);
    private TopologyHarness harness;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Frame> frames;
    private TestInputTopic<String, byte[]> rawFrames;
    private TestOutputTopic<String, Classification> events;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private FramewiseConfig config;

    @BeforeAll
    static void model() throws IOException {
        models = new ServedModels(FakeModels.tiny(3, 64, size -> 1).maxBatch(4).maxWaitMs(1).topK(3).start(), null);
        jpeg = TestFrames.jpeg(320, 240, 0, 0);
    }

    @AfterAll
    static void closeModel() {
        models.close();
    }

    @BeforeEach
    void start() {
        harness = new TopologyHarness(models, clock, T0, Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, BUDGET_MS,
                FramewiseConfig.DECODE_MAX_PIXELS_CONFIG, 10_000_000L,
                FramewiseConfig.INFERENCE_TIMEOUT_MS_CONFIG, 10_000L));
        config = harness.config;
        driver = harness.driver;
        frames = harness.frames;
        rawFrames = harness.rawFrames;
        events = harness.events;
        deadLetters = harness.deadLetters;
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private Frame frame(String camera, long sequence, byte[] payload) {
        return TestFrames.frame(camera, sequence, clock.instant().minusMillis(20), payload, Codec.JPEG);
    }

    @Test
    void aFrameBecomesOneClassifiedEventWithLabelsFromTheModel() {
        frames.pipeInput("cam-a", frame("cam-a", 0, jpeg));
        TestRecord<String, Classification> record = events.readRecord();
        Classification e = record.value();
        assertThat(record.key()).isEqualTo("cam-a");
        assertThat(e.getStatus()).isEqualTo(Status.OK);
        assertThat(e.getSequence()).isZero();
        assertThat(e.getModel().getName()).isEqualTo("tiny-convnet");
        assertThat(e.getLabels()).hasSize(3);
        assertThat(e.getLabels()).allSatisfy(l -> assertThat(TinyConvNet.LABELS.get(l.getIndex())).isEqualTo(l.getLabel()));
        assertThat(e.getLabels().get(0).getScore()).isGreaterThanOrEqualTo(e.getLabels().get(1).getScore());
        var latency = e.getLatency();
        assertThat(latency.getQueueingMs()).isCloseTo(20.0, Offset.offset(0.001));
        assertThat(latency.getDecodeMs()).isPositive();
        assertThat(latency.getInferenceMs()).isPositive();
        assertThat(latency.getTotalMs()).isGreaterThanOrEqualTo(latency.getQueueingMs() + latency.getDecodeMs()
                + latency.getPreprocessMs() + latency.getInferenceMs());
        assertThat(e.getBudgetMs()).isEqualTo(BUDGET_MS);
        assertThat(e.getNote()).contains("untrained");
        assertThat(events.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aCorruptFrameIsDeadLetteredWithItsReasonAndTheNextFrameIsClassified() {
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        Frame bad = frame("cam-a", 0, truncated);
        frames.pipeInput("cam-a", bad);
        frames.pipeInput("cam-a", frame("cam-a", 1, jpeg));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("cam-a");
        assertThat(FramewiseSerdes.frame().decode(dead.value())).isEqualTo(bad); // the original bytes, intact
        assertThat(header(dead, "__streams.errors.exception")).contains("FrameDecodeException");
        assertThat(header(dead, "__streams.errors.message")).contains("TRUNCATED");
        assertThat(header(dead, "__streams.errors.topic")).isEqualTo(config.inputTopic());

        List<Classification> out = events.readValuesToList();
        assertThat(out).extracting(Classification::getSequence).containsExactly(1L);
        assertThat(out.get(0).getStatus()).isEqualTo(Status.OK);
    }

    @Test
    void bytesThatAreNotAFrameAndTombstonesAreDeadLettered() {
        rawFrames.pipeInput("cam-b", "not avro at all".getBytes(StandardCharsets.UTF_8));
        rawFrames.pipeInput("cam-b", (byte[]) null);
        frames.pipeInput("cam-b", frame("cam-b", 2, jpeg));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro at all");
        assertThat(header(dead.get(0), "__streams.errors.message")).contains("no Avro single-object header");
        assertThat(dead.get(1).value()).isNull();
        assertThat(header(dead.get(1), "__streams.errors.message")).contains("tombstone");
        assertThat(events.readValuesToList()).extracting(Classification::getSequence).containsExactly(2L);
    }

    @Test
    void aFrameWhoseBudgetIsSpentIsSkippedAtOnce() {
        Frame late = TestFrames.frame("cam-c", 0, clock.instant().minusMillis(BUDGET_MS + 1), jpeg, Codec.JPEG);
        frames.pipeInput("cam-c", late);
        Classification e = events.readValue();
        assertThat(e.getStatus()).isEqualTo(Status.SKIPPED_LATE);
        assertThat(e.getLabels()).isEmpty();
        assertThat(e.getDeadlineMet()).isFalse();
        assertThat(e.getLatency().getQueueingMs()).isGreaterThan(BUDGET_MS);
        assertThat(e.getLatency().getDecodeMs()).isZero();
        assertThat(e.getNote()).startsWith("skipped: budget spent before processing");
    }

    @Test
    void aCameraCanCarryItsOwnBudget() {
        Frame frame = TestFrames.frame("cam-d", 0, clock.instant().minusMillis(100), jpeg, Codec.JPEG);
        frame.setAttributes(Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "50"));
        frames.pipeInput("cam-d", frame);
        Classification e = events.readValue();
        assertThat(e.getBudgetMs()).isEqualTo(50);
        assertThat(e.getStatus()).isEqualTo(Status.SKIPPED_LATE);
    }

    @Test
    void aFractionalBudgetAttributeIsRoundedAndAnUnusableOneFallsBackToTheDeploymentsBudget() {
        Frame fractional = TestFrames.frame("cam-e", 0, clock.instant(), jpeg, Codec.JPEG);
        fractional.setAttributes(Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "249.6"));
        frames.pipeInput("cam-e", fractional);
        assertThat(events.readValue().getBudgetMs()).as("rounded, not truncated").isEqualTo(250);

        Frame half = TestFrames.frame("cam-e", 1, clock.instant(), jpeg, Codec.JPEG);
        half.setAttributes(Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "0.5"));
        frames.pipeInput("cam-e", half);
        assertThat(events.readValue().getBudgetMs()).as("0.5 ms rounds to 1 ms, not to 0").isEqualTo(1);

        for (String unusable : List.of("0.2", "soon", "-5", "NaN")) {
            Frame f = TestFrames.frame("cam-f", 0, clock.instant(), jpeg, Codec.JPEG);
            f.setAttributes(Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, unusable));
            frames.pipeInput("cam-f", f);
            Classification e = events.readValue();
            assertThat(e.getBudgetMs()).as("budget for attribute '%s'", unusable).isEqualTo(BUDGET_MS);
            assertThat(e.getStatus()).isEqualTo(Status.OK);
        }
    }

    @Test
    void eventsOfEachCameraKeepTheOrderOfItsFrames() {
        for (int seq = 0; seq < 6; seq++) {
            for (String camera : List.of("north", "south", "east")) {
                frames.pipeInput(camera, frame(camera, seq, jpeg));
            }
            clock.advance(Duration.ofMillis(40));
        }
        Map<String, List<Long>> byCamera = new HashMap<>();
        for (TestRecord<String, Classification> r : events.readRecordsToList()) {
            assertThat(r.key()).isEqualTo(r.value().getCameraId());
            byCamera.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value().getSequence());
        }
        assertThat(byCamera).hasSize(3);
        assertThat(byCamera.values()).allSatisfy(seqs -> assertThat(seqs).containsExactly(0L, 1L, 2L, 3L, 4L, 5L));
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * A frame that a failure replays (at_least_once: it comes again after its camera had later outcomes) is judged
     * from the frame, not from the lateness the failure gave it: its second event agrees with the first and says it is
     * a replay. After kill -9 a replayed frame, now late, was skipped where its first event said OK. A replay is the
     * same frame piped again, as the topic gives it again to the task's next owner.
     */
    @Test
    void aReplayedFrameIsClassifiedAgainAndSaysItIsAReplayWhileNewFramesAreJudgedAsUsual() {
        for (long seq = 0; seq < 3; seq++) {
            frames.pipeInput("cam", TestFrames.frame("cam", seq, T0.plusMillis(40 * seq), jpeg, Codec.JPEG));
            clock.advance(Duration.ofMillis(40));
        }
        assertThat(events.readValuesToList()).extracting(Classification::getStatus).containsOnly(Status.OK);

        clock.advance(Duration.ofSeconds(30)); // the failure, the session timeout and the takeover
        frames.pipeInput("cam", TestFrames.frame("cam", 1, T0.plusMillis(40), jpeg, Codec.JPEG));
        Classification replayed = events.readValue();
        assertThat(replayed.getStatus()).as("as its first event said").isEqualTo(Status.OK);
        assertThat(replayed.getNote()).startsWith("replay: this frame was answered before a failure");
        assertThat(replayed.getDeadlineMet()).isFalse();

        frames.pipeInput("cam", TestFrames.frame("cam", 3, T0.plusMillis(120), jpeg, Codec.JPEG));
        Classification late = events.readValue();
        assertThat(late.getStatus()).as("a frame not answered before is judged as usual").isEqualTo(Status.SKIPPED_LATE);
        assertThat(late.getNote()).doesNotStartWith("replay");

        // a publisher that starts its sequence again at 0 sends newer frames: not replays
        frames.pipeInput("cam", TestFrames.frame("cam", 0, clock.instant(), jpeg, Codec.JPEG));
        Classification restarted = events.readValue();
        assertThat(restarted.getStatus()).isEqualTo(Status.OK);
        assertThat(restarted.getNote()).doesNotStartWith("replay");
    }
}
