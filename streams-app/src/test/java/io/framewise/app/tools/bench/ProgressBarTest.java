package io.framewise.app.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.framewise.app.tools.client.ProgressOutput;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final long[] now = {0};

    @Test
    void outsideATerminalItWritesALineEveryTenSecondsAndAtTheEndWithoutCarriageReturns() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new ProgressOutput(new PrintWriter(text), ProgressBar.TERMINAL_INTERVAL_NANOS, false, () -> now[0]), "pipeline", 1000);
        for (int i = 1; i <= 1000; i++) {
            bar.update(i, i + " published");
            now[0] += 50_000_000L; // 20 updates a second for 50 s
        }
        bar.finish();
        assertThat(text.toString()).doesNotContain("\r");
        // the first update, one every 10 s after it (at 10.05, 20.1, 30.15, 40.2 s), and the last
        assertThat(text.toString().lines()).hasSize(6).first().asString().startsWith("pipeline [").contains("1 published");
        assertThat(text.toString().lines().toList().get(5)).contains("100%").endsWith("1000 published");
    }

    @Test
    void onATerminalItRedrawsOneLineInPlace() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new ProgressOutput(new PrintWriter(text), ProgressBar.TERMINAL_INTERVAL_NANOS, true, () -> now[0]), "model", 4);
        for (int i = 1; i <= 4; i++) {
            bar.step("batch " + i);
            now[0] += 300_000_000L;
        }
        bar.finish();
        assertThat(text.toString()).startsWith("\rmodel [").contains("\rmodel [##############################] 100% batch 4")
                .endsWith(System.lineSeparator());
        assertThat(text.toString().chars().filter(c -> c == '\n').count()).as("one line, ended once").isOne();
    }
}
