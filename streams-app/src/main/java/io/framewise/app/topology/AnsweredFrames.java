package io.framewise.app.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.framewise.app.pipeline.CameraTable;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per camera, the last frame that got its outcome: its sequence and capture time, in a changelogged store that is
 * written at once rather than at the commit (no cache). Under at_least_once a crash replays every frame since the
 * last commit, and a replayed frame, now late, was judged again and skipped where its first event said OK; the
 * changelog keeps what was answered after that commit, so that the task's next owner recognises a replay: a frame of
 * the camera not newer, in sequence and capture time, than its last answered one. (Under exactly-once the writes of
 * an aborted attempt are aborted with it: nothing is a replay there, and none is needed.) A publisher that starts its
 * sequence again at 0 sends newer capture times: not a replay. Cameras idle for ten minutes are forgotten.
 */
final class AnsweredFrames {
    static final String STORE = "framewise-answered";
    /** Sequence, capture time (µs) and when it was answered (ms, wall clock). */
    private static final int VALUE_BYTES = 24;

    private final KeyValueStore<String, byte[]> store;

    AnsweredFrames(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** The sequence of the camera's last answered frame, or -1. */
    long lastSequence(String camera) {
        byte[] last = store.get(camera);
        return last == null || last.length != VALUE_BYTES ? -1 : ByteBuffer.wrap(last).getLong();
    }

    /** True when the camera has already had an outcome for this frame or a later one. */
    boolean isReplay(String camera, long sequence, long captureMicros) {
        byte[] last = store.get(camera);
        if (last == null || last.length != VALUE_BYTES) {
            return false; // none, or not one this class wrote (the changelog is a topic anyone with access may write)
        }
        ByteBuffer b = ByteBuffer.wrap(last);
        return sequence <= b.getLong() && captureMicros <= b.getLong();
    }

    /**
     * Records the frame's outcome as the camera's last, unless the camera already has a later one. Beyond
     * {@link CameraTable#MAX_CAMERAS} cameras the least recently answered quarter is forgotten (their replays would be
     * judged as new frames).
     */
    void answered(String camera, long sequence, long captureMicros, long nowMillis) {
        if (isReplay(camera, sequence, captureMicros)) {
            return;
        }
        store.put(camera, ByteBuffer.allocate(VALUE_BYTES).putLong(sequence).putLong(captureMicros).putLong(nowMillis).array());
        if (store.approximateNumEntries() > CameraTable.MAX_CAMERAS) {
            forgetOldest(CameraTable.MAX_CAMERAS * 3 / 4);
        }
    }

    /** Keeps the {@code keep} most recently answered cameras. */
    private void forgetOldest(int keep) {
        List<KeyValue<String, Long>> byAge = answeredAt();
        byAge.sort(Comparator.comparingLong(e -> e.value));
        byAge.subList(0, Math.max(0, byAge.size() - keep)).forEach(e -> store.delete(e.key));
    }

    /** Forgets the cameras whose last outcome is older than {@code idleMillis}. */
    void forgetIdle(long nowMillis, long idleMillis) {
        answeredAt().stream().filter(e -> e.value < nowMillis - idleMillis).forEach(e -> store.delete(e.key));
    }

    /** Every camera with when it was last answered (ms; the oldest possible for a value this class did not write). */
    private List<KeyValue<String, Long>> answeredAt() {
        List<KeyValue<String, Long>> cameras = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> e = all.next();
                boolean ours = e.value != null && e.value.length == VALUE_BYTES;
                cameras.add(KeyValue.pair(e.key, ours ? ByteBuffer.wrap(e.value).getLong(16) : Long.MIN_VALUE));
            }
        }
        return cameras;
    }
}
