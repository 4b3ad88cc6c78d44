package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.decoder.ImageDecoder;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Status;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock-in found on the landed build, reproduced in real time through the real topology: two cameras,
 * a 1000 ms budget, and a first decode that takes 1.24 s (a cold decoder). The estimate of decode time used to be
 * seeded by that one sample and, since skipped frames are never decoded, never corrected: every later frame was
 * skipped. Admissions must resume within a bounded time, and from then on the frames must be classified.
 */
class AdmissionRecoveryTest {
    private static final long BUDGET_MS = 1000;
    /**
     * Frames per second per camera, and their size: modest, so that the thread keeps up with the cameras on a busy
     * machine (a frame of 320x240 takes a few ms here; at 2 x 10 fps it may take 50 ms). At 2 x 30 fps of 640x480 a
     * loaded machine fell behind for good, and the test took that honest overload for the lock-in it looks for.
     */
    private static final double FPS_PER_CAMERA = 10;
    private static final Duration SLOW_FIRST_DECODE = Duration.ofMillis(1240);

    @TempDir
    Path temp;

    /** The outcome of every frame, with its capture time relative to the first frame's. */
    private record Seen(double capturedSeconds, Status status) {
    }

    private List<Seen> run(boolean warmUpFirst, double seconds) throws IOException {
        // a model of realistic speed (a batch of n takes 4 + 3n ms): the test is about admission recovering, not TF
        try (ServedModels models = new ServedModels(FakeModels.tiny(1, 224, size -> 4 + 3L * size).maxBatch(4).maxWaitMs(2)
                .start(), null)) {
            ImageDecoder decoder = new ImageDecoder(10_000_000);
            AtomicBoolean slowOnce = new AtomicBoolean(!warmUpFirst);
            FrameAnalyzer analyzer = new FrameAnalyzer(models, f -> {
                if (slowOnce.getAndSet(false)) {
                    sleep(SLOW_FIRST_DECODE.toMillis());
                }
                return decoder.decode(f.getCodec(), f.getPayload(), f.getWidth(), f.getHeight());
            }, 30_000);
            if (warmUpFirst) {
                analyzer.warmUp(); // production order; the first real frame after it is then the slow one
                slowOnce.set(true);
            }
            // one frame at a time (the harness's default): each frame's outcome is read right after it is piped in
            byte[] jpeg = TestFrames.jpeg(320, 240, 0, 0);
            List<Seen> seen = new ArrayList<>();
            try (TopologyHarness topology = new TopologyHarness(analyzer, Clock.systemUTC(), Instant.now(),
                    Map.of(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, BUDGET_MS))) {
                TestInputTopic<String, Frame> in = topology.frames;
                TestOutputTopic<String, Classification> out = topology.events;
                Instant start = Instant.now();
                long frames = (long) (seconds * FPS_PER_CAMERA * 2);
                for (long k = 0; k < frames; k++) {
                    // frame k was captured at its time; while the thread is busy, frames queue up as they would in
                    // the partition and are handed over late
                    Instant captured = start.plusNanos((long) (k / (2 * FPS_PER_CAMERA) * 1e9));
                    long wait = Duration.between(Instant.now(), captured).toMillis();
                    if (wait > 0) {
                        sleep(wait);
                    }
                    String camera = "cam-" + (k % 2);
                    in.pipeInput(camera, TestFrames.frame(camera, k / 2, captured, jpeg, Codec.JPEG));
                    Classification e = out.readValue();
                    seen.add(new Seen(Duration.between(start, captured).toNanos() / 1e9, e.getStatus()));
                }
            }
            return seen;
        }
    }

    @Test
    void afterOneColdDecodeOfASecondAndAHalfAdmissionsResumeWithinTwoSeconds() throws IOException {
        List<Seen> seen = run(false, 6);
        assertThat(seen.get(0).status()).as("the slow frame spent its whole budget decoding: shed, not classified late")
                .isEqualTo(Status.SKIPPED_LATE);
        // frames captured during the slow decode are legitimately late; admissions must resume soon after it
        double slowEnds = SLOW_FIRST_DECODE.toNanos() / 1e9;
        Seen firstAdmitted = seen.stream().skip(1).filter(s -> s.status() == Status.OK).findFirst().orElseThrow(
                () -> new AssertionError("no frame was classified after the slow decode: locked into skipping"));
        assertThat(firstAdmitted.capturedSeconds()).as("first classified frame after the slow decode (s)")
                .isLessThan(slowEnds + 2.0);
        List<Seen> later = seen.stream().filter(s -> s.capturedSeconds() >= slowEnds + 2.0).toList();
        assertThat(later).isNotEmpty();
        assertThat(later.stream().filter(s -> s.status() == Status.OK).count())
                .as("frames classified among the %d captured from 2 s after the slow decode", later.size())
                .isGreaterThanOrEqualTo((long) (0.95 * later.size()));
    }

    @Test
    void withTheMeasuredWarmUpPriorTheColdSampleGatesNothingAndTheBacklogIsSkippedToTheNewestFrames() throws IOException {
        List<Seen> seen = run(true, 4);
        double slowEnds = SLOW_FIRST_DECODE.toNanos() / 1e9;
        // the frames that queued up behind the slow decode are skipped (out of budget, or superseded by newer frames
        // of their camera) without being decoded; once the thread has caught up with the newest, every frame is
        // classified: the cold sample never gated anything
        assertThat(seen.stream().filter(s -> s.status() != Status.OK))
                .allSatisfy(s -> assertThat(s.capturedSeconds()).isLessThan(slowEnds));
        List<Seen> after = seen.stream().filter(s -> s.capturedSeconds() >= slowEnds).toList();
        assertThat(after).hasSizeGreaterThan(40).allSatisfy(s -> assertThat(s.status()).isEqualTo(Status.OK));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
