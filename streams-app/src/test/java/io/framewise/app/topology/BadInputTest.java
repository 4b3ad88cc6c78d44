package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.testing.MutableClock;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.testing.TopologyHarness;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.ModelRef;
import io.framewise.schema.Status;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UShortIndexer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input catalogue: each bad frame goes to the dead-letter topic with a precise reason, the stream goes on,
 * and the next good frame of the same camera is classified; inputs that are merely unusual classify.
 */
class BadInputTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    static Path temp;
    static ServedModels models;
    static byte[] good;

    private final MutableClock clock = new MutableClock(T0);
    private TopologyHarness harness;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, Classification> events;
    private TestOutputTopic<byte[], byte[]> dead;
    private long sequence;

    @BeforeAll
    static void model() throws IOException {
        models = new ServedModels(FakeModels.tiny(4, 64, size -> 1).maxBatch(2).maxWaitMs(1).topK(3).start(), null);
        good = TestFrames.jpeg(160, 120, 0, 0);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    @BeforeEach
    void start() {
        harness = new TopologyHarness(models, clock, T0, Map.of(FramewiseConfig.DECODE_MAX_PIXELS_CONFIG, 40_000_000L,
                FramewiseConfig.INFERENCE_TIMEOUT_MS_CONFIG, 10_000L));
        in = harness.rawFrames;
        events = harness.events;
        dead = harness.deadLetters;
    }

    @AfterEach
    void stop() {
        // every test reads all it expects: anything left over is an outcome the catalogue did not predict
        harness.assertNothingElse();
        harness.close();
    }

    private byte[] frame(byte[] payload, Codec codec, Instant captured) {
        return FramewiseSerdes.frame().encode(TestFrames.frame("cam", sequence++, captured, payload, codec));
    }

    /** Sends the bad record, then a good frame of the same camera; returns the dead letter's message. */
    private String deadLettered(byte[] value) {
        in.pipeInput("cam", value);
        in.pipeInput("cam", frame(good, Codec.JPEG, T0));
        List<TestRecord<byte[], byte[]>> letters = dead.readRecordsToList();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).value()).isEqualTo(value);
        List<Classification> out = events.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getStatus()).isEqualTo(Status.OK);
        var header = letters.get(0).headers().lastHeader("__streams.errors.message");
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private Classification classified(byte[] payload, Codec codec) {
        in.pipeInput("cam", frame(payload, codec, T0));
        assertThat(dead.isEmpty()).as("no dead letter").isTrue();
        Classification e = events.readValue();
        assertThat(e.getStatus()).isEqualTo(Status.OK);
        assertThat(e.getLabels()).hasSize(3);
        return e;
    }

    /**
     * The README's bad-input table, one row per kind of bad record: what it is, its bytes, and the words its dead
     * letter's reason must contain. Each is followed by a good frame of the same camera, which must classify.
     */
    static Stream<Arguments> catalogue() {
        return Stream.of(
                Arguments.of("corrupt JPEG (scan data overwritten)", (Supplier<byte[]>) () -> {
                    byte[] corrupt = good.clone();
                    Arrays.fill(corrupt, 2, corrupt.length - 2, (byte) 0x5A);
                    return envelope(corrupt, T0);
                }, List.of("CORRUPT:")),
                Arguments.of("truncated JPEG (first half)", (Supplier<byte[]>) () -> envelope(Arrays.copyOf(good, good.length / 2), T0),
                        List.of("TRUNCATED:")),
                Arguments.of("empty payload", (Supplier<byte[]>) () -> envelope(new byte[0], T0), List.of("EMPTY:")),
                Arguments.of("decompression bomb (60000x60000 in the header)", (Supplier<byte[]>) () -> envelope(bomb(), T0),
                        List.of("TOO_LARGE:", "60000x60000", "framewise.decode.max.pixels")),
                Arguments.of("not Avro (an HTTP request)", (Supplier<byte[]>) () -> "GET / HTTP/1.1".getBytes(StandardCharsets.US_ASCII),
                        List.of("no Avro single-object header")),
                Arguments.of("another schema (a Classification)", (Supplier<byte[]>) BadInputTest::otherSchema,
                        List.of("unknown schema fingerprint")),
                Arguments.of("captured an hour in the future", (Supplier<byte[]>) () -> envelope(good, T0.plusSeconds(3600)),
                        List.of("in the future", "camera's clock")),
                Arguments.of("captured before 1970", (Supplier<byte[]>) () -> envelope(good, Instant.ofEpochMilli(-5)),
                        List.of("before 1970")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void aBadRecordIsDeadLetteredWithItsReasonAndTheStreamGoesOn(String name, Supplier<byte[]> record, List<String> reason) {
        assertThat(deadLettered(record.get())).contains(reason);
    }

    @Test
    void aTombstoneIsDeadLetteredAndTheStreamGoesOn() {
        in.pipeInput("cam", (byte[]) null);
        in.pipeInput("cam", frame(good, Codec.JPEG, T0));
        assertThat(new String(dead.readRecord().headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
                .contains("tombstone");
        assertThat(events.readValue().getStatus()).isEqualTo(Status.OK);
    }

    @Test
    void timestampsWithinTheToleranceCountAsNow() {
        Classification skewed = classified(good, Codec.JPEG);
        assertThat(skewed.getLatency().getQueueingMs()).isNotNegative();
        in.pipeInput("cam", frame(good, Codec.JPEG, T0.plusSeconds(2)));
        Classification slightlyAhead = events.readValue();
        assertThat(slightlyAhead.getStatus()).isEqualTo(Status.OK);
        assertThat(slightlyAhead.getLatency().getQueueingMs()).isZero();
    }

    /** A frame of camera "cam" around {@code payload}, as a camera would publish it. */
    private static byte[] envelope(byte[] payload, Instant captured) {
        return FramewiseSerdes.frame().encode(TestFrames.frame("cam", 1_000, captured, payload, Codec.JPEG));
    }

    /** The good JPEG with its SOF header claiming 60000x60000 pixels. */
    private static byte[] bomb() {
        byte[] bomb = good.clone();
        for (int i = 2; i < bomb.length - 8; i++) {
            if ((bomb[i] & 0xFF) == 0xFF && (bomb[i + 1] & 0xFF) == 0xC0) {
                bomb[i + 5] = (byte) (60000 >> 8);
                bomb[i + 6] = (byte) 60000;
                bomb[i + 7] = (byte) (60000 >> 8);
                bomb[i + 8] = (byte) 60000;
                break;
            }
        }
        return bomb;
    }

    private static byte[] otherSchema() {
        return FramewiseSerdes.classification().encode(Classification.newBuilder().setCameraId("cam").setSequence(1)
                .setCaptureTimestamp(T0).setClassifiedTimestamp(T0).setModel(new ModelRef("m", "1")).setStatus(Status.OK)
                .setLatency(new LatencyBreakdown(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)).setBudgetMs(1).setDeadlineMet(true).build());
    }

    @Test
    void unusualButValidImagesClassify() throws IOException {
        classified(encode(new Mat(1, 1, CV_8UC3, new Scalar(10, 200, 30, 0)), ".jpg"), Codec.JPEG);
        classified(encode(new Mat(90, 120, CV_8UC1, new Scalar(128)), ".jpg"), Codec.JPEG);
        classified(encode(gray16Color(), ".png"), Codec.PNG);
        classified(cmykJpeg(80, 60), Codec.JPEG);
        Classification pngAsJpeg = classified(encode(new Mat(60, 80, CV_8UC3, new Scalar(1, 2, 3, 0)), ".png"), Codec.JPEG);
        assertThat(pngAsJpeg.getStatus()).isEqualTo(Status.OK);
        assertThat(pngAsJpeg.getNote()).as("the event says what the payload was").contains("payload decoded as PNG (declared JPEG)");
    }

    private static Mat gray16Color() {
        Mat m = new Mat(60, 80, CV_16UC3);
        try (UShortIndexer idx = m.createIndexer()) {
            for (int y = 0; y < 60; y++) {
                for (int x = 0; x < 80; x++) {
                    for (int c = 0; c < 3; c++) {
                        idx.put(y, x, c, (x * 800 + y * 300 + c * 9000) & 0xFFFF);
                    }
                }
            }
        }
        return m;
    }

    private static byte[] encode(Mat m, String ext) {
        try (m; BytePointer out = new BytePointer()) {
            opencv_imgcodecs.imencode(ext, m, out);
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    /** A 4-component (CMYK) JPEG, as print workflows produce, written by Java's own encoder from a raw raster. */
    static byte[] cmykJpeg(int width, int height) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {x * 3 % 256, y * 4 % 256, (x + y) % 256, 20});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * A camera's budget or sampling attribute that is not a usable value of its setting is the deployment's setting
     * for that frame, never a dead letter: 1e308 and 10000000000000 overflowed the deadline and dead-lettered every
     * frame of the camera, and 1e11 was taken although the setting's range ends at 86,400,000.
     */
    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("unusableAttributes")
    void anUnusableAttributeFallsBackToTheSettingAndTheFrameClassifies(String attribute, String value) {
        Frame f = TestFrames.frame("cam", sequence++, T0, good, Codec.JPEG);
        f.setAttributes(Map.of(attribute, value));
        in.pipeInput("cam", FramewiseSerdes.frame().encode(f));
        Classification e = events.readValue();
        assertThat(e.getStatus()).isEqualTo(Status.OK);
        assertThat(e.getBudgetMs()).isEqualTo(harness.config.latencyBudgetMs());
        assertThat(dead.isEmpty()).isTrue();
    }

    static Stream<Arguments> unusableAttributes() {
        String budget = FramewiseConfig.LATENCY_BUDGET_MS_CONFIG;
        String fps = FramewiseConfig.CAMERA_MAX_FPS_CONFIG;
        return Stream.of(Arguments.of(budget, "1e308"), Arguments.of(budget, "10000000000000"), Arguments.of(budget, "1e11"),
                Arguments.of(budget, "86400001"), Arguments.of(budget, "-5"), Arguments.of(budget, "NaN"),
                Arguments.of(budget, "0.2"), Arguments.of(budget, "soon"), Arguments.of(fps, "1e308"), Arguments.of(fps, "5000"),
                Arguments.of(fps, "Infinity"));
    }

    /**
     * A camera id longer than the limit or holding control characters is dead-lettered with the reason before
     * anything is kept for it (a 20 KB id was kept per camera; a newline in one forged a log line).
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("unusableCameraIds")
    void anUnusableCameraIdIsDeadLetteredWithTheReason(String id, String reason) {
        String message = deadLettered(FramewiseSerdes.frame().encode(TestFrames.frame(id, sequence++, T0, good, Codec.JPEG)));
        assertThat(message).contains(reason);
    }

    static Stream<Arguments> unusableCameraIds() {
        return Stream.of(Arguments.of("x".repeat(20_000), "is 20000 characters long (at most 256)"),
                Arguments.of("cam\n07:00:00.000 ERROR forged", "holds the control or formatting character U+000A at 3"),
                Arguments.of("cam\u001b[2J", "holds the control or formatting character U+001B at 3"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unusableAttributeSets")
    void attributesBeyondTheirBoundsAreDeadLetteredWithTheReason(Map<String, String> attributes, String reason) {
        Frame f = TestFrames.frame("cam", sequence++, T0, good, Codec.JPEG);
        f.setAttributes(attributes);
        assertThat(deadLettered(FramewiseSerdes.frame().encode(f))).contains(reason);
    }

    static Stream<Arguments> unusableAttributeSets() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("a" + i, "v");
        }
        return Stream.of(Arguments.of(many, "frame has 65 attributes (at most 64)"),
                Arguments.of(Map.of("n".repeat(300), "v"), "an attribute name of 300 characters (at most 256)"),
                Arguments.of(Map.of("site", "v".repeat(5_000)), "an attribute value of 5000 characters (at most 1024)"));
    }
}
