package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.InferenceService;
import io.framewise.app.pipeline.ModelRuntime;
import io.framewise.app.testing.MutableClock;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.tiny.TinyConvNet;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frame that a failure replays (at_least_once: it comes again after its camera had later outcomes) is judged from
 * the frame, not from the lateness the failure gave it: its second event agrees with the first and says it is a
 * replay. After kill -9 a replayed frame, now late, was skipped where its first event said OK. The test owns the
 * clock; a replay is the same frame piped again, as the topic gives it again to the task's next owner.
 */
class ReplayTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final long BUDGET_MS = 1_000;

    @TempDir
    static Path temp;
    static InferenceService models;
    static byte[] jpeg;

    @BeforeAll
    static void model() throws IOException {
        TinyConvNet.export(temp.resolve("m"), 4, 64);
        models = new InferenceService(ModelRuntime.start(FrameClassifier.load(temp.resolve("m"), InferenceOptions.defaults()), 2, 1), null);
        jpeg = TestFrames.jpeg(160, 120, 0, 0);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    @Test
    void aReplayedFrameIsClassifiedAgainAndSaysItIsAReplayWhileNewFramesAreJudgedAsUsual() {
        MutableClock clock = new MutableClock(T0);
        try (TopologyHarness harness = new TopologyHarness(models, clock, T0, Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG,
                BUDGET_MS))) {
            for (long seq = 0; seq < 3; seq++) {
                harness.frames.pipeInput("cam", TestFrames.frame("cam", seq, T0.plusMillis(40 * seq), jpeg, Codec.JPEG));
                clock.advance(Duration.ofMillis(40));
            }
            assertThat(harness.events.readValuesToList()).extracting(Classification::getStatus).containsOnly(Status.OK);

            clock.advance(Duration.ofSeconds(30)); // the failure, the session timeout and the takeover
            Classification replayed = send(harness, 1, T0.plusMillis(40));
            assertThat(replayed.getStatus()).as("as its first event said").isEqualTo(Status.OK);
            assertThat(replayed.getNote()).startsWith("replay: this frame was answered before a failure");
            assertThat(replayed.getDeadlineMet()).isFalse();

            Classification late = send(harness, 3, T0.plusMillis(120));
            assertThat(late.getStatus()).as("a frame not answered before is judged as usual").isEqualTo(Status.SKIPPED_LATE);
            assertThat(late.getNote()).doesNotStartWith("replay");

            // a publisher that starts its sequence again at 0 sends newer frames: not replays
            Classification restarted = send(harness, 0, clock.instant());
            assertThat(restarted.getStatus()).isEqualTo(Status.OK);
            assertThat(restarted.getNote()).doesNotStartWith("replay");
        }
    }

    private static Classification send(TopologyHarness harness, long sequence, Instant captured) {
        harness.frames.pipeInput("cam", TestFrames.frame("cam", sequence, captured, jpeg, Codec.JPEG));
        return harness.events.readValue();
    }
}
