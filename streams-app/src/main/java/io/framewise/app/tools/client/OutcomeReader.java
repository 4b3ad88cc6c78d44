package io.framewise.app.tools.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.framewise.app.topology.DeadLetters;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
                DeadLetters.Reason why = DeadLetters.reason(r.headers());
                out.add(new Outcome(r.key(), null, new Outcome.DeadLetter(r.value(), why.exception(), why.message(),
                        why.sourceTopic(), why.partition(), why.offset())));
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
