package io.framewise.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class CameraTableTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void aHundredThousandCamerasKeepNoMoreThanTheBound() {
        CameraTable<Long> table = new CameraTable<>();
        for (int i = 0; i < 100_000; i++) {
            table.put("camera-" + i, (long) i);
        }
        assertThat(table.size()).isEqualTo(CameraTable.MAX_CAMERAS);
        assertThat(table.get("camera-99999")).isEqualTo(99_999L);
        assertThat(table.get("camera-0")).as("the least recently seen went first").isNull();
    }

    @Test
    void theLeastRecentlySeenCameraGoesFirst() {
        CameraTable<String> table = new CameraTable<>(2, Long.MAX_VALUE, now::get);
        table.put("a", "A");
        table.put("b", "B");
        assertThat(table.get("a")).isEqualTo("A"); // seen: b is now the eldest
        table.put("c", "C");
        assertThat(table.get("b")).isNull();
        assertThat(table.get("a")).isEqualTo("A");
        assertThat(table.get("c")).isEqualTo("C");
    }

    @Test
    void aCameraIdleForLongerThanTheLimitIsForgotten() {
        CameraTable<String> table = new CameraTable<>(100, 1_000, now::get);
        table.put("quiet", "Q");
        now.set(600);
        table.put("busy", "B");
        now.set(1_000);
        assertThat(table.get("quiet")).as("idle exactly the limit: kept").isEqualTo("Q");
        now.set(2_001);
        assertThat(table.get("busy")).isNull();
        assertThat(table.size()).isZero();
    }
}
