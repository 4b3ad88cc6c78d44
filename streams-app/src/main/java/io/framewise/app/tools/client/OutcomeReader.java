package io.framewise.app.tools.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the events topic and, optionally, the dead-letter topic from their beginning (a fresh consumer group each
 * time, committing nothing), and turns each record into an {@link Outcome}. The isolation level is the user's
 * {@code isolation.level} when set; otherwise {@code read_committed} when asked for (records of aborted transactions
 * are then never seen, as exactly-once consumers need; for a non-transactional producer it changes nothing).
 */
public final class OutcomeReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String eventsTopic;

    public OutcomeReader(Map<String, Object> clientConfig, String eventsTopic, String deadLetterTopic, boolean readCommitted) {
        this.consumer = new KafkaConsumer<>(consumerConfig(clientConfig, readCommitted));
        this.eventsTopic = eventsTopic;
        consumer.subscribe(deadLetterTopic == null ? List.of(eventsTopic) : List.of(eventsTopic, deadLetterTopic));
    }

    /** The consumer's settings: the user's, with a fresh group, from the beginning, and the isolation level above. */
    static Map<String, Object> consumerConfig(Map<String, Object> clientConfig, boolean readCommitted) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "framewise-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    public List<Outcome> poll(Duration timeout) {
        List<Outcome> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (r.topic().equals(eventsTopic)) {
                out.add(new Outcome(r.key(), FramewiseSerdes.classification().decode(r.value()), null));
            } else {
                Headers h = r.headers();
                out.add(new Outcome(r.key(), null, new Outcome.DeadLetter(r.value(), header(h, "__streams.errors.exception"),
                        header(h, "__streams.errors.message"), header(h, "__streams.errors.topic"),
                        parseInt(header(h, "__streams.errors.partition")), parseLong(header(h, "__streams.errors.offset")))));
            }
        }
        return out;
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int parseInt(String s) {
        return s == null ? -1 : Integer.parseInt(s.trim());
    }

    private static long parseLong(String s) {
        return s == null ? -1 : Long.parseLong(s.trim());
    }

    @Override
    public void close() {
        consumer.close();
    }
}
