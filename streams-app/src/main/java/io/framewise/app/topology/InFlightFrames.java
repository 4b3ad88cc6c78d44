package io.framewise.app.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.pipeline.Intake;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's frames whose outcome is not yet produced, in arrival (offset) order, and their durable mirror: every
 * frame still in flight when {@code process()} returns is in the task's {@value #STORE} store, whose changelog
 * Kafka Streams commits atomically with the input offsets (exactly-once) or flushes before them (at-least-once). So
 * no committed offset ever covers a frame that has neither its outcome produced nor a place in the store, and a
 * frame's entry is deleted in the same commit as its outcome. After a crash or a rebalance, the task's next owner
 * finds the frames in the store ({@link #stored()}) and starts them again; the pattern of Flink's async I/O operator,
 * which checkpoints its in-flight elements.
 *
 * <p>A frame answered within the call that admitted it is never written; with the store's cache, one answered
 * within the commit interval never reaches the changelog either.
 */
final class InFlightFrames {
    static final String STORE = "framewise-inflight";

    /** What the processor needs to turn a frame's answer into its event, or to dead-letter it. */
    record Entry(long offset, String key, long timestamp, Frame frame, Headers headers, Intake intake,
                 FrameAnalyzer.Pending pending) {
    }

    /** A frame found in the store: its input position, key, timestamp and value. */
    record Stored(long offset, String key, long timestamp, Frame frame) {
    }

    private final KeyValueStore<Long, byte[]> store;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    /** Offsets of the frames in the queue that are in the store. */
    private final Set<Long> persisted = new HashSet<>();

    InFlightFrames(KeyValueStore<Long, byte[]> store) {
        this.store = store;
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    Entry head() {
        return queue.peekFirst();
    }

    void add(Entry e, boolean alreadyStored) {
        queue.addLast(e);
        if (alreadyStored) {
            persisted.add(e.offset());
        }
    }

    /** Removes the head, whose outcome has just been forwarded, from the queue and from the store. */
    Entry removeHead() {
        Entry e = queue.removeFirst();
        if (persisted.remove(e.offset())) {
            store.delete(e.offset());
        }
        return e;
    }

    /** Writes every queued frame that is not yet in the store: called before {@code process()} returns. */
    void persist() {
        for (Entry e : queue) {
            if (persisted.add(e.offset())) {
                store.put(e.offset(), encode(e.key(), e.timestamp(), e.frame()));
            }
        }
    }

    /** Deletes a stored frame that will not be queued again. */
    void forget(long offset) {
        store.delete(offset);
    }

    /** Empties the queue without touching the store (the task is closing; its next owner starts the frames again). */
    List<Entry> abandon() {
        List<Entry> all = new ArrayList<>(queue);
        queue.clear();
        persisted.clear();
        return all;
    }

    /** The frames in the store, in offset order. */
    List<Stored> stored() {
        List<Stored> out = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                out.add(decode(kv.key, kv.value));
            }
        }
        return out;
    }

    static byte[] encode(String key, long timestamp, Frame frame) {
        byte[] k = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
        byte[] v = FramewiseSerdes.frame().encode(frame);
        return ByteBuffer.allocate(8 + 4 + k.length + v.length).putLong(timestamp).putInt(key == null ? -1 : k.length)
                .put(k).put(v).array();
    }

    static Stored decode(long offset, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long timestamp = b.getLong();
        int keyLength = b.getInt();
        String key = null;
        if (keyLength >= 0) {
            byte[] k = new byte[keyLength];
            b.get(k);
            key = new String(k, StandardCharsets.UTF_8);
        }
        byte[] v = new byte[b.remaining()];
        b.get(v);
        return new Stored(offset, key, timestamp, FramewiseSerdes.frame().decode(v));
    }
}
