package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.testing.MutableClock;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camera ids are the publishers' to choose, and there may be any number of them: what a task keeps per camera is
 * bounded. 100,000 cameras of 200-character ids each send a frame (late, so not decoded, and with an unusable
 * attribute, so that every per-camera table is touched); the heap after a full collection is the same after the
 * first 20,000 and after all 100,000. Kept for every id, they grew it by about 100 MB.
 */
class ManyCamerasTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    @TempDir
    Path temp;

    @Test
    void aHundredThousandDistinctCamerasLeaveTheHeapFlat() throws IOException {
        try (ServedModels models = new ServedModels(FakeModels.tiny(1, 64, size -> 0).maxBatch(2).maxWaitMs(1).start(), null);
             TopologyHarness harness = new TopologyHarness(models, new MutableClock(T0), T0, Map.of())) {
            byte[] jpeg = TestFrames.jpeg(32, 32, 0, 0);
            TestOutputTopic<String, byte[]> answeredChangelog = harness.driver.createOutputTopic(
                    harness.config.streamsProperties().get("application.id") + "-" + AnsweredFrames.STORE + "-changelog",
                    new StringDeserializer(), new ByteArrayDeserializer());
            String padding = "p".repeat(190);
            long afterFirst = 0;
            for (int i = 0; i < 100_000; i++) {
                String camera = String.format(Locale.ROOT, "%s-%08d", padding, i);
                Frame late = TestFrames.frame(camera, 0, T0.minusSeconds(3600), jpeg, Codec.JPEG);
                late.setAttributes(Map.of(FramewiseConfig.CAMERA_MAX_FPS_CONFIG, "many"));
                harness.frames.pipeInput(camera, late);
                if (i % 1_000 == 999) {
                    // the test driver keeps every record written until read, the changelog's too (Kafka keeps
                    // those, compacted, not the instance's heap)
                    harness.events.readValuesToList();
                    answeredChangelog.readRecordsToList();
                }
                if (i == 19_999) {
                    afterFirst = heapAfterGc();
                }
            }
            harness.events.readValuesToList();
            answeredChangelog.readRecordsToList();
            long afterAll = heapAfterGc();
            System.out.printf(Locale.ROOT, "100,000 cameras: heap after GC %.1f MB after 20,000, %.1f MB after 100,000%n",
                    afterFirst / 1e6, afterAll / 1e6);
            assertThat(afterAll - afterFirst).as("heap growth over the last 80,000 cameras (bytes)").isLessThan(20_000_000L);
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }
}
