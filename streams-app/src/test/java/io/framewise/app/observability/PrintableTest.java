package io.framewise.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void controlCharactersCannotForgeALineOrDriveATerminal() {
        String forged = "cam-1\n07:00:00.000 ERROR forged\r\u001b[2J\u009b31m\u2028\u202e";
        String shown = Printable.of(forged);
        assertThat(shown).isEqualTo("cam-1\\n07:00:00.000 ERROR forged\\r\\u001b[2J\\u009b31m\\u2028\\u202e");
        assertThat(shown.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    @Test
    void ordinaryIdsOfAnyScriptPassUnchangedAndLongOnesAreCutWithTheirLength() {
        assertThat(Printable.of("gate-3 / 東門 / ворота")).isEqualTo("gate-3 / 東門 / ворота");
        assertThat(Printable.of("a\\b")).isEqualTo("a\\\\b");
        assertThat(Printable.of("x".repeat(20_000))).isEqualTo("x".repeat(Printable.MAX_CHARS) + "...(20000 chars)");
        assertThat(Printable.of(null)).isEqualTo("null");
    }
}
