package io.framewise.app.tools.view;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.framewise.app.observability.Printable;
import io.framewise.app.topology.DeadLetters;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the frames, events and dead-letter topics into the board: committed records only (read_committed, so no
 * event of an aborted transaction shows and no frame the pipeline will see again), without a consumer group (the
 * view assigns every partition to itself and commits nothing, so it never joins or disturbs the application's
 * group). Each partition starts {@code backfill} records before its end, so a page shows the cameras' current state
 * at once; partitions and topics that appear later are picked up within seconds.
 */
public final class ViewFeed implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ViewFeed.class);
    private static final long DISCOVERY_MILLIS = 3000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final String framesTopic;
    private final String eventsTopic;
    private final String deadLetterTopic;
    private final int backfill;
    private final CameraBoard board;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private volatile boolean stopped;
    private volatile boolean started;

    public ViewFeed(Map<String, Object> clientSettings, String framesTopic, String eventsTopic, String deadLetterTopic,
                    int backfill, CameraBoard board) {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "framewise-view");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(config);
        this.framesTopic = framesTopic;
        this.eventsTopic = eventsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.backfill = backfill;
        this.board = board;
    }

    @Override
    public void run() {
        started = true;
        long nextDiscovery = 0;
        try {
            while (!stopped) {
                if (System.currentTimeMillis() >= nextDiscovery) {
                    discover();
                    nextDiscovery = System.currentTimeMillis() + DISCOVERY_MILLIS;
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(200);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    take(r);
                }
            }
        } catch (WakeupException e) {
            if (!stopped) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Assigns the topics' partitions not yet assigned, each from {@code backfill} records before its end. */
    private void discover() {
        List<TopicPartition> fresh = new ArrayList<>();
        for (String topic : List.of(framesTopic, eventsTopic, deadLetterTopic)) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (TimeoutException e) {
                LOG.warn("no answer about topic {} from the cluster in 5 s; asking again", topic);
                continue;
            }
            if (partitions == null || partitions.isEmpty()) {
                continue; // not created yet: looked for again shortly
            }
            for (PartitionInfo p : partitions) {
                TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                if (!assigned.contains(tp)) {
                    fresh.add(tp);
                }
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        assigned.addAll(fresh);
        consumer.assign(assigned); // partitions already assigned keep their positions
        Map<TopicPartition, Long> ends = consumer.endOffsets(fresh);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(fresh);
        for (TopicPartition tp : fresh) {
            consumer.seek(tp, Math.max(begins.get(tp), ends.get(tp) - backfill));
        }
        LOG.info("following {} partition(s) of {}, {} and {}", assigned.size(), framesTopic, eventsTopic, deadLetterTopic);
    }

    private void take(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        if (r.topic().equals(deadLetterTopic)) {
            DeadLetters.Reason why = DeadLetters.reason(r.headers());
            board.deadLetter(r.key(), sequenceOf(r.value()), simpleName(why.exception()) + ": " + why.message());
            return;
        }
        try {
            if (r.topic().equals(framesTopic)) {
                board.frame(FramewiseSerdes.frame().decode(r.value()));
            } else {
                board.event(FramewiseSerdes.classification().decode(r.value()));
            }
        } catch (RuntimeException e) {
            // what the pipeline dead-letters (a record that is not a frame) arrives here too: counted, not fatal
            board.unreadable();
            LOG.debug("unreadable record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    Printable.of(e.getMessage()));
        }
    }

    /** A class name without its package: the reason is the point, not where the exception class lives. */
    static String simpleName(String className) {
        return className == null ? "unknown" : className.substring(className.lastIndexOf('.') + 1);
    }

    /** The sequence of the frame a dead letter holds, or -1 when it is not a readable frame. */
    private static long sequenceOf(byte[] value) {
        try {
            Frame f = FramewiseSerdes.frame().decode(value);
            return f.getSequence();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        stopped = true;
        if (started) {
            consumer.wakeup(); // run() closes the consumer on its own thread
        } else {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }
}
