package io.framewise.app.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import io.framewise.app.observability.Printable;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code framewise.video.resume=replay}: when a task starts, each H.264/H.265 camera it takes over is brought to
 * where its previous owner left it, by reading the camera's access units again from its last keyframe
 * ({@link Keyframes}) to its last answered one and handing them to its decoder, without events (they have theirs).
 * Read from the task's input partition with a consumer of its own, read_committed under exactly-once (Kafka Streams'
 * restore consumer settings), before the task processes anything. Bounded: at most the cameras' GOPs, and never past
 * the partition's end at the start.
 */
final class GopReplay {
    private static final Logger LOG = LoggerFactory.getLogger(GopReplay.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long MAX_MILLIS = 30_000;

    private GopReplay() {
    }

    /**
     * @param lastAnswered each camera's last answered sequence (-1: none)
     * @param decode       takes one access unit of a camera into its decoder
     * @return how many access units were replayed
     */
    static int replay(Map<String, Object> appConfigs, String threadName, TopicPartition partition, Map<String, Keyframes.Mark> marks,
                      ToLongFunction<String> lastAnswered, Consumer<Frame> decode) {
        Map<String, Long> until = new HashMap<>();
        long from = Long.MAX_VALUE;
        for (Map.Entry<String, Keyframes.Mark> m : marks.entrySet()) {
            long last = lastAnswered.applyAsLong(m.getKey());
            if (last >= m.getValue().sequence()) {
                until.put(m.getKey(), last);
                from = Math.min(from, m.getValue().offset());
            }
        }
        if (until.isEmpty()) {
            return 0;
        }
        long start = System.nanoTime();
        Map<String, Object> config = new StreamsConfig(appConfigs).getRestoreConsumerConfigs(threadName + "-gop-replay");
        int replayed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (!until.isEmpty() && consumer.position(partition) < end
                    && System.nanoTime() - start < MAX_MILLIS * 1_000_000) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    Frame frame;
                    try {
                        frame = FramewiseSerdes.frame().decode(r.value());
                    } catch (RuntimeException notAFrame) {
                        continue; // dead-lettered when it was processed
                    }
                    if (frame == null || frame.getCameraId() == null) {
                        continue;
                    }
                    Long last = until.get(frame.getCameraId());
                    Keyframes.Mark mark = marks.get(frame.getCameraId());
                    if (last == null || r.offset() < mark.offset() || (frame.getCodec() != Codec.H264 && frame.getCodec() != Codec.H265)) {
                        continue;
                    }
                    if (frame.getSequence() <= last) {
                        decode.accept(frame);
                        replayed++;
                    }
                    if (frame.getSequence() >= last) {
                        until.remove(frame.getCameraId());
                    }
                }
            }
        }
        if (!until.isEmpty()) {
            LOG.warn("{}: could not replay the group of pictures of {} camera(s) ({}...): they wait for their next keyframe",
                    partition, until.size(), Printable.of(until.keySet().iterator().next()));
        }
        LOG.info("{}: replayed {} access unit(s) of {} camera(s) from their last keyframes, without events, in {} ms",
                partition, replayed, marks.size(), (System.nanoTime() - start) / 1_000_000);
        return replayed;
    }
}
