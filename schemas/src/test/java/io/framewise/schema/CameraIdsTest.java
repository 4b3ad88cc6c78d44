package io.framewise.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CameraIdsTest {
    @Test
    void idsOfAnyScriptUpToTheLimitAreFine() {
        assertThat(CameraIds.problem("gate-3")).isNull();
        assertThat(CameraIds.problem("東門 カメラ 2")).isNull();
        assertThat(CameraIds.problem("x".repeat(CameraIds.MAX_LENGTH))).isNull();
    }

    @Test
    void emptyLongAndControlHoldingIdsAreRefusedWithTheReason() {
        assertThat(CameraIds.problem("")).isEqualTo("is empty");
        assertThat(CameraIds.problem("  ")).isEqualTo("is empty");
        assertThat(CameraIds.problem("x".repeat(20_000))).isEqualTo("is 20000 characters long (at most 256)");
        assertThat(CameraIds.problem("cam\n07:00 ERROR forged")).isEqualTo("holds the control or formatting character U+000A at 3");
        assertThat(CameraIds.problem("cam\u001b[2J")).contains("U+001B");
        assertThat(CameraIds.problem("cam\u202eevil")).contains("U+202E");
        assertThat(CameraIds.problem("cam\u2028")).contains("U+2028");
    }
}
