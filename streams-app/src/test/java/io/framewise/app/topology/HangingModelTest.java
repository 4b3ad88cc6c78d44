package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.inference.batch.BatchRunner;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that hangs must not hold a stream thread for one inference timeout per buffered frame (a poll brings up to
 * max.poll.records of them, and the thread would outlive max.poll.interval.ms): the first frame waits its timeout and
 * is dead-lettered; every later frame is dead-lettered at once while the model stays stuck, each with the reason.
 */
class HangingModelTest {
    private static final long TIMEOUT_MS = 1_000;
    private static final int FRAMES = 20;

    @TempDir
    Path temp;

    @Test
    void aHangingModelHoldsTheThreadAboutOneTimeoutInAllAndEveryFrameIsDeadLetteredWithTheReason() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        BatchRunner answers = FakeModels.tinyRunner(1, 64, size -> 0);
        BatchRunner hangs = images -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return answers.run(images);
        };
        try (ServedModels models = new ServedModels(FakeModels.tiny(1, 64, size -> 0).runner(hangs).maxBatch(4).maxWaitMs(1)
                .probeAfterNanos(FakeModels.NO_PROBES).start(), null)) {
            Map<String, Object> settings = Map.of(FramewiseConfig.INFERENCE_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                    FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, 600_000);
            FrameAnalyzer analyzer = new FrameAnalyzer(models, 10_000_000, TIMEOUT_MS);
            byte[] jpeg = TestFrames.jpeg(160, 120, 0, 0);
            try (TopologyHarness topology = new TopologyHarness(analyzer, Clock.systemUTC(), Instant.now(), settings)) {
                TestInputTopic<String, Frame> in = topology.frames;
                TestOutputTopic<byte[], byte[]> dead = topology.deadLetters;
                long start = System.nanoTime();
                for (int i = 0; i < FRAMES; i++) {
                    in.pipeInput("cam", TestFrames.frame("cam", i, Instant.now(), jpeg, Codec.JPEG));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                List<TestRecord<byte[], byte[]>> letters = dead.readRecordsToList();
                System.out.printf("hanging model: %d frames dead-lettered in %.2f s%n", letters.size(), seconds);
                assertThat(letters).as("every frame dead-lettered, once").hasSize(FRAMES);
                assertThat(message(letters.get(0))).contains("did not answer within " + TIMEOUT_MS + " ms");
                assertThat(letters.subList(1, FRAMES)).allSatisfy(l ->
                        assertThat(message(l)).contains("has not answered for").contains("frame not queued"));
                assertThat(letters).extracting(l -> FramewiseSerdes.frame().decode(l.value()).getSequence())
                        .containsExactlyElementsOf(LongStream.range(0, FRAMES).boxed().toList());
                // one timeout for the first frame, not one per frame (that would be 20 s)
                assertThat(seconds).as("time the thread was held").isLessThan(4 * TIMEOUT_MS / 1000.0);
            } finally {
                release.countDown();
            }
        }
    }

    private static String message(TestRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8);
    }
}
