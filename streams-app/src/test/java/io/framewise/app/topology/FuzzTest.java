package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.testing.MutableClock;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 mutated records, seeded and reproducible: bit flips, truncations, insertions and splices, in the image
 * payload and in the Avro envelope, plus pure garbage. The application never dies, and every record yields exactly
 * one event or one dead letter.
 */
class FuzzTest {
    private static final int RECORDS = 10_000;
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path temp;

    @Test
    void tenThousandMutatedFramesAreEachAccountedForAndNothingDies() throws IOException {
        List<byte[]> seeds = seedFrames();
        SplittableRandom random = new SplittableRandom(20261121);
        // one frame at a time (the harness's default): each outcome is read right after its record is piped in
        Map<String, Object> settings = Map.of(FramewiseConfig.DECODE_MAX_PIXELS_CONFIG, 4_000_000L);
        try (ServedModels models = new ServedModels(FakeModels.tiny(6, 32, size -> 0).maxBatch(1).maxWaitMs(0).topK(1).start(), null);
             TopologyHarness topology = new TopologyHarness(models, new MutableClock(T0), T0, settings)) {
            var in = topology.rawFrames;
            var events = topology.events;
            var dead = topology.deadLetters;
            Map<String, Integer> kinds = new HashMap<>();
            long eventCount = 0;
            long deadCount = 0;
            for (int i = 0; i < RECORDS; i++) {
                String[] kind = new String[1];
                byte[] value = mutate(seeds.get(random.nextInt(seeds.size())), random, i, kind);
                kinds.merge(kind[0], 1, Integer::sum);
                in.pipeInput("cam-" + (i % 7), value); // must never throw: the application would have died
                List<Classification> e = events.readValuesToList();
                List<byte[]> d = dead.readValuesToList();
                assertThat(e.size() + d.size()).as("record %d (%s) accounted for exactly once", i, kind[0]).isEqualTo(1);
                eventCount += e.size();
                deadCount += d.size();
            }
            assertThat(eventCount + deadCount).isEqualTo(RECORDS);
            assertThat(eventCount).as("some mutations leave a decodable frame").isPositive();
            assertThat(deadCount).as("most mutations break something").isPositive();
            System.out.printf("fuzz: %d records (%s): %d events, %d dead letters%n", RECORDS, kinds, eventCount, deadCount);
        }
    }

    private static List<byte[]> seedFrames() {
        List<byte[]> seeds = new ArrayList<>();
        for (Codec codec : new Codec[] {Codec.JPEG, Codec.PNG}) {
            ImageEncoder encoder = new ImageEncoder(codec, 80);
            try (SyntheticScene scene = new SyntheticScene(64, 48, 1, "fuzz", 3)) {
                var image = scene.next();
                while (image != null) {
                    seeds.add(FramewiseSerdes.frame().encode(TestFrames.frame("cam", seeds.size(), T0, encoder.encode(image), codec)));
                    image = scene.next();
                }
            }
        }
        return seeds;
    }

    /** One mutation of a valid record; kind[0] names it. */
    private static byte[] mutate(byte[] record, SplittableRandom r, int i, String[] kind) {
        Frame frame = FramewiseSerdes.frame().decode(record);
        byte[] payload = new byte[frame.getPayload().remaining()];
        frame.getPayload().duplicate().get(payload);
        switch (i % 8) {
            case 0 -> {
                kind[0] = "payload-flips";
                for (int k = 0, n = 1 + r.nextInt(8); k < n; k++) {
                    payload[r.nextInt(payload.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                kind[0] = "payload-truncated";
                payload = Arrays.copyOf(payload, r.nextInt(payload.length));
            }
            case 2 -> {
                kind[0] = "payload-inserted";
                byte[] junk = new byte[1 + r.nextInt(64)];
                r.nextBytes(junk);
                int at = r.nextInt(payload.length);
                byte[] out = new byte[payload.length + junk.length];
                System.arraycopy(payload, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(payload, at, out, at + junk.length, payload.length - at);
                payload = out;
            }
            case 3 -> {
                kind[0] = "header-bytes";
                for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                    payload[r.nextInt(Math.min(payload.length, 40))] = (byte) r.nextInt(256);
                }
            }
            case 4 -> {
                kind[0] = "envelope-flips";
                byte[] out = record.clone();
                for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                    out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return out;
            }
            case 5 -> {
                kind[0] = "envelope-truncated";
                return Arrays.copyOf(record, r.nextInt(record.length));
            }
            case 6 -> {
                kind[0] = "garbage";
                byte[] out = new byte[r.nextInt(200)];
                r.nextBytes(out);
                return out;
            }
            default -> {
                kind[0] = "codec-and-size";
                frame.setCodec(Codec.values()[r.nextInt(Codec.values().length)]);
                frame.setWidth(r.nextBoolean() ? null : r.nextInt(5000) - 10);
                frame.setHeight(r.nextBoolean() ? null : r.nextInt(5000) - 10);
            }
        }
        frame.setPayload(ByteBuffer.wrap(payload));
        return FramewiseSerdes.frame().encode(frame);
    }
}
