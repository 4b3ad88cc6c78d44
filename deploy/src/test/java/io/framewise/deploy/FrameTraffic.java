package io.framewise.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.framewise.app.testing.TestFrames;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeReader;
import io.framewise.schema.Codec;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes camera frames (and, on request, bytes that are no frame) and accounts for every one of them. */
final class FrameTraffic {
    private final Map<String, Object> client;
    private final String framesTopic;
    private final FrameLedger ledger = new FrameLedger();
    private final List<Outcome> outcomes = new ArrayList<>();
    private final OutcomeReader reader;
    private long garbage;

    FrameTraffic(Map<String, Object> client, String framesTopic, String eventsTopic, String deadLetterTopic) {
        this.client = client;
        this.framesTopic = framesTopic;
        this.reader = new OutcomeReader(client, eventsTopic, deadLetterTopic, true);
    }

    /** {@code perCamera} frames from each of {@code cameras} cameras at {@code fps}, and {@code bad} records of garbage. */
    void publish(int cameras, int perCamera, double fps, int bad) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < perCamera; i++) {
                for (int c = 0; c < cameras; c++) {
                    String camera = "cam-" + c;
                    byte[] value = FramewiseSerdes.frame().encode(TestFrames.frame(camera, i, Instant.now(),
                            TestFrames.jpeg(320, 240, c, i), Codec.JPEG));
                    producer.send(new ProducerRecord<>(framesTopic, camera, value)).get();
                    ledger.published(camera, i);
                }
                if (i < bad) {
                    producer.send(new ProducerRecord<>(framesTopic, "broken-camera", new byte[] {1, 2, 3})).get();
                    garbage++;
                }
                TimeUnit.MILLISECONDS.sleep((long) (1000 / fps));
            }
        }
    }

    /** Reads outcomes until every frame and every garbage record is accounted for, or the timeout. */
    List<Outcome> awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long deadLetters = 0;
        while (System.nanoTime() < deadline && !(ledger.complete() && deadLetters >= garbage)) {
            for (Outcome o : reader.poll(Duration.ofMillis(200))) {
                outcomes.add(o);
                if (o.isEvent()) {
                    ledger.outcome(o);
                } else {
                    deadLetters++;
                }
            }
        }
        if (!ledger.complete() || deadLetters < garbage) {
            throw new AssertionError("not every record was accounted for within " + timeout + ": " + ledger.verdict()
                    + "; dead letters " + deadLetters + " of " + garbage);
        }
        return outcomes;
    }

    void close() {
        reader.close();
    }
}
