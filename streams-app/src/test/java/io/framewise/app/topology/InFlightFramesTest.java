package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.FrameMetrics;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.testing.TestFrames;
import io.framewise.inference.batch.BatchRunner;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Status;
import io.framewise.schema.serde.FramewiseSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-flight bookkeeping of the classify processor, with a real model behind a runner the test can hold back, a
 * real in-memory store, and Kafka's {@link MockProcessorContext}: outcomes in arrival order although answered out of
 * order, a failing frame dead-lettered alone, and frames in flight at a crash started again by the next owner.
 */
class InFlightFramesTest {
    private static final int DEPTH = 4;

    @TempDir
    Path temp;
    private ServedModels models;
    private FrameAnalyzer analyzer;
    /** Batches whose first image is negative everywhere (a black frame) fail; a latch can hold batches back. */
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private KeyValueStore<Long, byte[]> store;
    private byte[] grey;
    private byte[] black;

    @BeforeEach
    void setUp() throws IOException {
        BatchRunner answers = FakeModels.tinyRunner(1, 224, size -> 1);
        BatchRunner runner = images -> {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (FloatBuffer image : images) {
                if (image.get(0) < -2.0f && image.get(1) < -2.0f) {
                    throw new IllegalStateException("the model cannot take this image");
                }
            }
            return answers.run(images);
        };
        models = new ServedModels(FakeModels.tiny(1, 224, size -> 1).runner(runner).maxBatch(8).maxWaitMs(1).topK(3)
                .probeAfterNanos(FakeModels.NO_PROBES).start(), null);
        analyzer = new FrameAnalyzer(models, 10_000_000, 30_000);
        grey = TestFrames.jpeg(320, 240, 0, 0);
        black = TestFrames.solidJpeg(320, 240, 0);
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(InFlightFrames.STORE), Serdes.Long(),
                Serdes.ByteArray()).withLoggingDisabled().build();
    }

    @AfterEach
    void tearDown() {
        gate.countDown();
        models.close();
    }

    private MockProcessorContext<String, Object> context() {
        MockProcessorContext<String, Object> ctx = new MockProcessorContext<>();
        store.init(ctx.getStateStoreContext(), store);
        ctx.addStateStore(store);
        KeyValueStore<String, byte[]> answered = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(AnsweredFrames.STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        answered.init(ctx.getStateStoreContext(), answered);
        ctx.addStateStore(answered);
        KeyValueStore<String, byte[]> keyframes = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Keyframes.STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        keyframes.init(ctx.getStateStoreContext(), keyframes);
        ctx.addStateStore(keyframes);
        return ctx;
    }

    private ClassifyFrameProcessor processor(MockProcessorContext<String, Object> ctx) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(FramewiseConfig.PIPELINE_DEPTH_CONFIG, DEPTH);
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, 600_000);
        ClassifyFrameProcessor p = new ClassifyFrameProcessor(analyzer, new FramewiseConfig(settings), Clock.systemUTC(),
                new FrameMetrics(new SimpleMeterRegistry()));
        p.init(ctx);
        return p;
    }

    private static void send(ClassifyFrameProcessor p, MockProcessorContext<String, Object> ctx, long offset, String camera,
                             long seq, byte[] jpeg) {
        ctx.setRecordMetadata("frames", 0, offset);
        Frame f = TestFrames.frame(camera, seq, Instant.now(), jpeg, Codec.JPEG);
        Headers headers = new RecordHeaders().add("site", "north-gate".getBytes(StandardCharsets.UTF_8));
        p.process(new Record<>(camera, f, offset, headers));
    }

    /** Runs the drain punctuation until {@code n} records were forwarded (fails after 10 s). */
    private static List<MockProcessorContext.CapturedForward<? extends String, ?>> awaitForwarded(
            MockProcessorContext<String, Object> ctx, int n) {
        await(n + " records forwarded").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            ctx.scheduledPunctuators().forEach(s -> s.getPunctuator().punctuate(System.currentTimeMillis()));
            return ctx.forwarded().size() >= n;
        });
        return ctx.forwarded();
    }

    @Test
    void framesInFlightAreKeptInTheStoreUntilTheirOutcomeIsForwardedAndOutcomesKeepArrivalOrder() throws Exception {
        MockProcessorContext<String, Object> ctx = context();
        ClassifyFrameProcessor p = processor(ctx);
        gate = new CountDownLatch(1); // the model holds every batch back
        send(p, ctx, 10, "a", 0, grey);
        send(p, ctx, 11, "b", 0, grey);
        send(p, ctx, 12, "a", 1, grey);
        assertThat(ctx.forwarded()).as("nothing answered yet").isEmpty();
        assertThat(storedOffsets()).as("in flight when process() returned: in the store").containsExactly(10L, 11L, 12L);

        gate.countDown();
        var out = awaitForwarded(ctx, 3);
        assertThat(out).extracting(f -> ((Classification) f.record().value()).getCameraId() + "#"
                + ((Classification) f.record().value()).getSequence()).containsExactly("a#0", "b#0", "a#1");
        assertThat(out).allSatisfy(f -> assertThat(f.childName()).hasValue(FramewiseTopology.SINK));
        assertThat(storedOffsets()).as("answered: gone from the store").isEmpty();
    }

    @Test
    void theDepthBoundsWhatIsInFlightAndTheThreadWaitsForTheOldestBeyondIt() throws Exception {
        MockProcessorContext<String, Object> ctx = context();
        ClassifyFrameProcessor p = processor(ctx);
        gate = new CountDownLatch(1); // nothing is answered until the gate opens
        Thread thread = new Thread(() -> {
            for (int i = 0; i < 10; i++) {
                send(p, ctx, i, "cam", i, grey);
            }
        });
        thread.start();
        // depth - 1 frames in flight, and no more for 200 ms: the thread waits rather than taking a fourth
        await("frames in flight").atMost(Duration.ofSeconds(10)).until(() -> storedOffsets().size() >= DEPTH - 1);
        await("no more frames taken").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .until(() -> storedOffsets().size() == DEPTH - 1);
        assertThat(storedOffsets()).as("in flight with the model held back").containsExactly(0L, 1L, 2L);
        assertThat(thread.getState()).as("the stream thread waits for the oldest frame's answer")
                .isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
        gate.countDown();
        thread.join(10_000);
        var out = awaitForwarded(ctx, 10);
        assertThat(out).extracting(f -> ((Classification) f.record().value()).getSequence())
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void aFrameFailingInFlightIsDeadLetteredAloneAndTheOthersAreForwardedInOrder() throws Exception {
        MockProcessorContext<String, Object> ctx = context();
        ClassifyFrameProcessor p = processor(ctx);
        gate = new CountDownLatch(1); // all three join one batch, which fails and is retried image by image
        send(p, ctx, 20, "cam", 0, grey);
        send(p, ctx, 21, "cam", 1, black);
        send(p, ctx, 22, "cam", 2, grey);
        gate.countDown();
        var out = awaitForwarded(ctx, 3);
        assertThat(out).extracting(f -> f.childName().orElseThrow())
                .containsExactly(FramewiseTopology.SINK, FramewiseTopology.DEAD_LETTERS, FramewiseTopology.SINK);
        var deadLetter = out.get(1).record();
        Frame original = FramewiseSerdes.frame().decode((byte[]) deadLetter.value());
        assertThat(original.getSequence()).isEqualTo(1);
        assertThat(header(deadLetter.headers().lastHeader("__streams.errors.message"))).contains("the model cannot take this image");
        assertThat(header(deadLetter.headers().lastHeader("__streams.errors.offset"))).isEqualTo("21");
        assertThat(header(deadLetter.headers().lastHeader("site"))).as("the frame's own headers, as Kafka Streams keeps them")
                .isEqualTo("north-gate");
        assertThat(((Classification) out.get(2).record().value()).getStatus()).isEqualTo(Status.OK);
        assertThat(storedOffsets()).isEmpty();
    }

    @Test
    void framesInFlightAtACrashAreStartedAgainByTheNextOwnerInOrder() throws Exception {
        MockProcessorContext<String, Object> ctx = context();
        ClassifyFrameProcessor first = processor(ctx);
        gate = new CountDownLatch(1);
        send(first, ctx, 30, "a", 5, grey);
        send(first, ctx, 31, "b", 7, grey);
        // the instance dies: nothing was forwarded, the store (committed with the offsets) holds both frames
        first.close();
        assertThat(ctx.forwarded()).isEmpty();
        assertThat(storedOffsets()).containsExactly(30L, 31L);
        gate.countDown();

        MockProcessorContext<String, Object> next = context();
        processor(next); // init() finds the frames and starts them again
        var out = awaitForwarded(next, 2);
        assertThat(out).extracting(f -> ((Classification) f.record().value()).getCameraId() + "#"
                + ((Classification) f.record().value()).getSequence()).containsExactly("a#5", "b#7");
        assertThat(out).allSatisfy(f -> assertThat(((Classification) f.record().value()).getStatus()).isEqualTo(Status.OK));
        assertThat(out.get(0).record().timestamp()).as("the original record's timestamp").isEqualTo(30L);
        assertThat(storedOffsets()).isEmpty();
    }

    private List<Long> storedOffsets() {
        List<Long> offsets = new ArrayList<>();
        try (var it = store.all()) {
            it.forEachRemaining(kv -> offsets.add(kv.key));
        }
        return offsets;
    }

    private static String header(Header h) {
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
