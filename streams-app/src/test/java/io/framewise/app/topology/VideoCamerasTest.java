package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.testing.MutableClock;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Status;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * H.264 cameras through the production topology, one access unit per record: every access unit gets one event or
 * dead letter; an access unit whose references are missing (lost on the way, a camera joined mid-GOP, a damaged one
 * before it) is answered without decoding, with the reason, until the camera's next keyframe; the access units that
 * are not classified (sampled out) are still decoded, so that the pictures that reference them are right.
 */
class VideoCamerasTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final int GOP = 10;
    static ServedModels models;
    static List<VideoEncoder.Encoded> units;

    private final MutableClock clock = new MutableClock(T0);
    private final List<TopologyHarness> harnesses = new ArrayList<>();

    @BeforeAll
    static void model() {
        models = new ServedModels(FakeModels.tiny(4, 64, size -> 1).maxBatch(2).maxWaitMs(1).topK(3).start(), null);
        units = TestFrames.h264(320, 240, 0, 30, GOP);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    @AfterEach
    void stop() {
        harnesses.forEach(h -> {
            h.assertNothingElse();
            h.close();
        });
    }

    private TopologyHarness harness(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(Map.of(FramewiseConfig.INFERENCE_TIMEOUT_MS_CONFIG, 10_000L));
        all.putAll(settings);
        TopologyHarness h = new TopologyHarness(models, clock, T0, all);
        harnesses.add(h);
        return h;
    }

    private static Frame unit(int sequence, byte[] payload) {
        Frame f = TestFrames.frame("door", sequence, T0, payload, Codec.H264);
        f.setKeyframe(units.get(sequence).keyframe());
        return f;
    }

    /** Pipes the camera's access units {@code sequences} in and returns one event per access unit, in order. */
    private static List<Classification> run(TopologyHarness h, List<Integer> sequences) {
        for (int s : sequences) {
            h.frames.pipeInput("door", unit(s, units.get(s).annexB()));
        }
        List<Classification> events = h.events.readValuesToList();
        assertThat(events).extracting(Classification::getSequence).containsExactlyElementsOf(
                sequences.stream().map(Integer::longValue).toList());
        return events;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i < to; i++) {
            r.add(i);
        }
        return r;
    }

    @Test
    void everyAccessUnitOfAnUnbrokenStreamIsClassifiedAsTheSamePictureEveryTime() {
        List<Classification> first = run(harness(Map.of()), range(0, 30));
        List<Classification> second = run(harness(Map.of()), range(0, 30));
        assertThat(first).extracting(Classification::getStatus).containsOnly(Status.OK);
        assertThat(first).extracting(e -> e.getLabels().toString())
                .containsExactlyElementsOf(second.stream().map(e -> e.getLabels().toString()).toList());
        // the scene moves: the pictures are not all one
        assertThat(first.stream().map(e -> e.getLabels().toString()).distinct().count()).isGreaterThan(1);
    }

    @Test
    void aLostAccessUnitLeavesItsCameraWaitingForTheNextKeyframeWithTheReason() {
        List<Integer> sent = range(0, 30);
        sent.remove(Integer.valueOf(13));
        List<Classification> events = run(harness(Map.of()), sent);
        List<Classification> truth = run(harness(Map.of()), range(0, 30));
        for (Classification e : events) {
            long s = e.getSequence();
            if (s > 13 && s < 20) {
                assertThat(e.getStatus()).as("access unit %d", s).isEqualTo(Status.SKIPPED_LATE);
                assertThat(e.getNote()).startsWith("skipped: no reference picture: waiting for a keyframe (access unit 13 is missing)");
            } else {
                assertThat(e.getStatus()).as("access unit %d", s).isEqualTo(Status.OK);
                assertThat(e.getLabels()).isEqualTo(truth.get((int) s).getLabels());
            }
        }
    }

    @Test
    void aCameraJoinedMidGopIsClassifiedFromItsFirstKeyframe() {
        List<Classification> events = run(harness(Map.of()), range(4, 25));
        assertThat(events.subList(0, 6)).allSatisfy(e -> {
            assertThat(e.getStatus()).isEqualTo(Status.SKIPPED_LATE);
            assertThat(e.getNote()).startsWith("skipped: no reference picture: waiting for a keyframe (the decoder started mid-GOP)");
        });
        assertThat(events.subList(6, events.size())).extracting(Classification::getStatus).containsOnly(Status.OK);
    }

    @Test
    void aDamagedAccessUnitIsDeadLetteredAndItsCameraResumesAtTheNextKeyframe() {
        TopologyHarness h = harness(Map.of());
        run(h, range(0, 4));
        byte[] damaged = units.get(4).annexB().clone();
        for (int i = 8; i < damaged.length; i += 3) {
            damaged[i] = (byte) (damaged[i] ^ 0x5A);
        }
        h.frames.pipeInput("door", unit(4, damaged));
        List<TestRecord<byte[], byte[]>> letters = h.deadLetters.readRecordsToList();
        assertThat(letters).hasSize(1);
        assertThat(new String(letters.get(0).headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
                .startsWith("CORRUPT: H264");
        List<Classification> after = run(h, range(5, 15));
        assertThat(after.subList(0, 5)).allSatisfy(e -> assertThat(e.getNote())
                .startsWith("skipped: no reference picture: waiting for a keyframe (access unit 4 "));
        assertThat(after.subList(5, 10)).extracting(Classification::getStatus).containsOnly(Status.OK);
    }

    @Test
    void aPictureOverThePixelLimitIsDeadLetteredBeforeDecodingAndTheStreamGoesOn() {
        TopologyHarness h = harness(Map.of(FramewiseConfig.DECODE_MAX_PIXELS_CONFIG, 320L * 240 - 1));
        h.frames.pipeInput("door", unit(0, units.get(0).annexB()));
        h.frames.pipeInput("door", unit(1, units.get(1).annexB()));
        assertThat(new String(h.deadLetters.readRecordsToList().get(0).headers().lastHeader("__streams.errors.message").value(),
                StandardCharsets.UTF_8)).contains("over the limit of 76799 (framewise.decode.max.pixels); refused before decoding");
        assertThat(h.events.readValue().getNote()).startsWith("skipped: no reference picture: waiting for a keyframe (access unit 0 ");
    }

    @Test
    void accessUnitsSampledOutAreStillDecodedForThePicturesThatReferenceThem() {
        List<Classification> truth = run(harness(Map.of()), range(0, 30));
        // the camera's capture times are 100 ms apart; 4 fps keeps one access unit in three
        TopologyHarness h = harness(Map.of(FramewiseConfig.CAMERA_MAX_FPS_CONFIG, 4.0));
        List<Classification> sampled = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            Frame f = unit(s, units.get(s).annexB());
            f.setCaptureTimestamp(T0.plusMillis(100L * s));
            if (s > 0) {
                clock.advance(Duration.ofMillis(100));
            }
            h.frames.pipeInput("door", f);
            sampled.add(h.events.readValue());
        }
        assertThat(sampled).extracting(Classification::getStatus).contains(Status.SKIPPED_SAMPLED, Status.OK);
        for (Classification e : sampled) {
            if (e.getStatus() == Status.OK) {
                assertThat(e.getLabels()).as("access unit %d", e.getSequence()).isEqualTo(truth.get((int) e.getSequence()).getLabels());
            } else {
                assertThat(e.getStatus()).isEqualTo(Status.SKIPPED_SAMPLED);
            }
        }
    }
}
