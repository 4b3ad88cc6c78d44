package io.framewise.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** One line per dead letter, at most one per camera every ten seconds, escaped; a camera sending garbage is not a flood. */
class DeadLetterLogTest {
    private final AtomicLong now = new AtomicLong();
    private final DeadLetterLog log = new DeadLetterLog(now::get);

    @Test
    void aCameraSendingGarbageGetsOneLinePerIntervalThatCountsTheRest() {
        Exception e = new IllegalStateException("CORRUPT: not an image");
        String first = log.deadLettered("gate-1", "frames", 2, 10, e);
        assertThat(first).isEqualTo("dead-lettered a record of camera gate-1 from frames-2@10: IllegalStateException: "
                + "CORRUPT: not an image").doesNotContain("\\n");
        for (int i = 0; i < 299; i++) { // ten seconds at 30 fps
            now.addAndGet(33_000_000L);
            assertThat(log.deadLettered("gate-1", "frames", 2, 11 + i, e)).isNull();
        }
        assertThat(log.deadLettered("gate-2", "frames", 0, 5, e)).as("another camera is not held back").isNotNull();
        now.set(10_000_000_001L);
        assertThat(log.deadLettered("gate-1", "frames", 2, 400, e))
                .endsWith("(and 299 more of this camera in the last 10 s)");
    }

    @Test
    void whatThePublisherControlsIsEscaped() {
        String line = log.deadLettered("cam\n12:00:00 ERROR forged", "frames", 0, 1, new IllegalStateException("bad\u001b[2J"));
        assertThat(line).contains("cam\\n12:00:00 ERROR forged").contains("bad\\u001b[2J").doesNotContain("\n")
                .doesNotContain("\u001b");
    }
}
