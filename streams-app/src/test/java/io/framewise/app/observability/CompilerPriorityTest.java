package io.framewise.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerPriorityTest {
    @TempDir
    Path tasks;

    @Test
    void readsTheHighestNiceAmongTheCompilerThreadsAndNoOtherThread() throws IOException {
        thread("101", "java", 0);
        thread("102", "C1 CompilerThre", 10);
        thread("103", "C2 CompilerThre", 7);
        thread("104", "kafka-streams-t", 19); // not a compiler thread: its nice does not count
        assertThat(CompilerPriority.of(tasks)).isEqualTo(OptionalInt.of(10));
    }

    @Test
    void emptyWithoutCompilerThreadsOrWithoutProc() throws IOException {
        thread("101", "java", 0);
        assertThat(CompilerPriority.of(tasks)).isEmpty();
        assertThat(CompilerPriority.of(tasks.resolve("missing"))).isEmpty();
    }

    @Test
    void findsThisJvmsCompilerThreadsInProc() {
        // surefire's JVM starts without the launcher's flags: its compiler runs at the default priority
        assertThat(CompilerPriority.ofThisProcess()).isEqualTo(OptionalInt.of(0));
    }

    private void thread(String tid, String comm, int nice) throws IOException {
        Path dir = Files.createDirectories(tasks.resolve(tid));
        Files.writeString(dir.resolve("comm"), comm + "\n");
        Files.writeString(dir.resolve("stat"), tid + " (" + comm + ") S 1 " + tid + " " + tid
                + " 0 -1 4194368 12 0 0 0 5 1 0 0 " + (20 + nice) + " " + nice + " 20 0 123 0 0\n");
    }
}
