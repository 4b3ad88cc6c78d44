package io.framewise.app.topology;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per H.264/H.265 camera of a task, the input offset and sequence of its last answered keyframe, in a changelogged
 * store: what {@code framewise.video.resume=replay} reads again from when the task moves. Recorded when the keyframe is
 * answered, not when it is taken in (the access units in flight at a commit are started again by the next owner, so
 * the replay must reach the last answered one, from a keyframe at or before it), and committed with the task's
 * position, so that under exactly-once it matches the answered access units the committed state holds.
 */
final class Keyframes {
    static final String STORE = "framewise-keyframes";
    private static final int VALUE_BYTES = 16;

    /** A camera's last keyframe: its offset in the task's input partition and its sequence. */
    record Mark(long offset, long sequence) {
    }

    private final KeyValueStore<String, byte[]> store;

    Keyframes(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    void keyframe(String camera, long offset, long sequence) {
        store.put(camera, ByteBuffer.allocate(VALUE_BYTES).putLong(offset).putLong(sequence).array());
    }

    void forget(String camera) {
        store.delete(camera);
    }

    /** Every camera's mark (values this class did not write are left out: the changelog is a topic anyone may write). */
    Map<String, Mark> all() {
        Map<String, Mark> marks = new HashMap<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                if (e.value != null && e.value.length == VALUE_BYTES) {
                    ByteBuffer b = ByteBuffer.wrap(e.value);
                    marks.put(e.key, new Mark(b.getLong(), b.getLong()));
                }
            }
        }
        return marks;
    }
}
