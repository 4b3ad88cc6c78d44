package io.framewise.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.topology.DeadLetters;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Status;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records as large as the frames topic takes, bad in every way that makes them dead letters, between good frames of
 * the same camera, on the real broker with Kafka's default limits: each bad one gets a dead letter that fits (the
 * reason and the source whole, as much of the value as fits, and its original size), the good ones are classified,
 * and the instance lives. A dead letter is the original plus about 2.3 KB of headers: at these sizes it did not fit,
 * Kafka refused it, and the instance stopped for good (each restart read the same record and died again).
 */
class DeadLetterLimitsIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();

    /** Just under the frames topic's default max.message.bytes (1,048,588) with the record's own framing. */
    private static final int NEAR_LIMIT = 1_048_400;

    @Test
    void aRecordJustUnderTheInputLimitIsDeadLetteredInFullReasonAndTheStreamGoesOn() throws Exception {
        Map<String, Object> settings = fixture.settings("limits");
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "600000");
        FramewiseConfig config = new FramewiseConfig(settings);
        Random random = new Random(7);
        byte[] good = TestFrames.jpeg(160, 120, 0, 0);
        Instant now = Instant.now();

        // the three ways: not a frame (deserialization), a frame refused by the processor (processing handler), a
        // frame whose image fails in flight (the processor's own dead letter)
        byte[] garbage = new byte[NEAR_LIMIT];
        random.nextBytes(garbage);
        Frame badId = TestFrames.frame("cam\n", 0, now, pad(good, NEAR_LIMIT - 200), Codec.JPEG);
        byte[] corruptImage = new byte[NEAR_LIMIT - 300];
        random.nextBytes(corruptImage);
        corruptImage[0] = (byte) 0xFF;
        corruptImage[1] = (byte) 0xD8; // a JPEG's start, then noise
        Frame corrupt = TestFrames.frame("door", 2, now, corruptImage, Codec.JPEG);

        Map<String, Object> client = new HashMap<>(fixture.client());
        client.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024); // the broker's limit is the one under test
        try (ServedModels models = ModelLoader.load(config, fixture.model());
             FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(90));
             FramePublisher publisher = new FramePublisher(client, config.inputTopic(), Clock.systemUTC())) {
            publisher.send("door", 0, frame("door", 0, now, good));
            publisher.send("door", 1, garbage);
            publisher.send("door", 1, frame("door", 1, now, good));
            publisher.send("door", 0, FramewiseSerdes.frame().encode(badId));
            publisher.send("door", 2, FramewiseSerdes.frame().encode(corrupt));
            publisher.send("door", 3, frame("door", 3, now, good));
            publisher.flush();
            assertThat(publisher.failed()).as("the broker took every record: %s", publisher.firstError()).isZero();

            List<ConsumerRecord<String, byte[]>> events = new ArrayList<>();
            List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = consumer()) {
                consumer.subscribe(List.of(config.outputTopic(), config.deadLetterTopic()));
                Awaitility.await("three events and three dead letters").atMost(Duration.ofSeconds(120))
                        .pollDelay(Duration.ZERO).until(() -> {
                            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                                (r.topic().equals(config.outputTopic()) ? events : letters).add(r);
                            }
                            return events.size() >= 3 && letters.size() >= 3;
                        });
            }
            assertThat(app.isAlive()).as("the instance lives").isTrue();
            assertThat(events).extracting(r -> FramewiseSerdes.classification().decode(r.value()))
                    .extracting(Classification::getSequence, Classification::getStatus)
                    .containsExactly(tuple(0L, Status.OK), tuple(1L, Status.OK), tuple(3L, Status.OK));
            assertThat(letters).hasSize(3).allSatisfy(l -> {
                DeadLetters.Reason reason = DeadLetters.reason(l.headers());
                assertThat(reason.sourceTopic()).isEqualTo(config.inputTopic());
                assertThat(reason.offset()).isNotNegative();
                assertThat(reason.message()).isNotBlank();
                int original = Integer.parseInt(text(l.headers().lastHeader(DeadLetters.VALUE_BYTES)));
                int kept = Integer.parseInt(text(l.headers().lastHeader(DeadLetters.VALUE_KEPT)));
                assertThat(original).isGreaterThan(NEAR_LIMIT - 1_000);
                assertThat(kept).isEqualTo(l.value().length).isLessThan(original).isGreaterThan(original - 10_000);
            });
            assertThat(letters).extracting(l -> DeadLetters.reason(l.headers()).message())
                    .anySatisfy(m -> assertThat(m).startsWith("not a Frame"))
                    .anySatisfy(m -> assertThat(m).contains("holds the control or formatting character U+000A"))
                    .anySatisfy(m -> assertThat(m).containsAnyOf("CORRUPT", "TRUNCATED"));
            assertThat(letters.get(0).value()).as("the kept bytes are the original's first ones")
                    .isEqualTo(Arrays.copyOf(garbage, letters.get(0).value().length));
        }
    }

    private static byte[] frame(String camera, long sequence, Instant captured, byte[] jpeg) {
        return FramewiseSerdes.frame().encode(TestFrames.frame(camera, sequence, captured, jpeg, Codec.JPEG));
    }

    /** {@code jpeg} followed by zeros up to {@code size} bytes (a decoder stops at the image's end). */
    private static byte[] pad(byte[] jpeg, int size) {
        byte[] out = new byte[size];
        System.arraycopy(jpeg, 0, out, 0, jpeg.length);
        return out;
    }

    private static String text(Header h) {
        assertThat(h).as("header").isNotNull();
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> c = new HashMap<>(fixture.client());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "limits-check");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
