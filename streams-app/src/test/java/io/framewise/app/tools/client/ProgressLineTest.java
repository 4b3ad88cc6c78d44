package io.framewise.app.tools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private final long[] now = {1_000_000_000L};

    @Test
    void inALogEachUpdateIsALineOfItsOwnEveryTenSecondsWithNoCarriageReturn() {
        StringWriter out = new StringWriter();
        PublishJob.ProgressLine progress = new PublishJob.ProgressLine("lobby", new ProgressOutput(new PrintWriter(out), PublishJob.ProgressLine.TERMINAL_INTERVAL_NANOS, false, () -> now[0]));
        for (int i = 0; i < 250; i++) { // 25 s at 10 fps
            progress.framePublished("lobby", i, 1000);
            now[0] += 100_000_000L;
        }
        progress.finish();
        assertThat(out.toString()).doesNotContain("\r");
        assertThat(out.toString().lines()).containsExactly(
                "lobby: 1 frames, 0.0 MB",
                "lobby: 101 frames, 10.1 fps, 0.1 MB",
                "lobby: 201 frames, 10.1 fps, 0.2 MB",
                "lobby: 250 frames, 10.0 fps, 0.3 MB");
    }

    @Test
    void onATerminalOneLineIsRewrittenTwiceASecond() {
        StringWriter out = new StringWriter();
        PublishJob.ProgressLine progress = new PublishJob.ProgressLine("lobby", new ProgressOutput(new PrintWriter(out), PublishJob.ProgressLine.TERMINAL_INTERVAL_NANOS, true, () -> now[0]));
        for (int i = 0; i < 20; i++) { // 2 s at 10 fps
            progress.framePublished("lobby", i, 1000);
            now[0] += 100_000_000L;
        }
        progress.finish();
        assertThat(out.toString()).startsWith("\rlobby: 1 frames").endsWith(System.lineSeparator())
                .containsOnlyOnce("\rlobby: 6 frames").containsOnlyOnce("\rlobby: 20 frames, 10.0 fps");
        assertThat(out.toString().chars().filter(c -> c == '\n')).as("one line, ended once").hasSize(1);
    }
}
