package io.framewise.app.observability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The nice value the JIT compiler's threads run at, read from Linux's {@code /proc}: the launcher and the image start
 * the JVM with {@code -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10}, so that start-up compilation runs on
 * what the model leaves (README, Benchmarks, "the compiler below the model"). Logged at start, so that whoever reads
 * the JVM's warning about those flags (lowering a priority needs no permission, only raising one would) sees what took
 * effect.
 */
public final class CompilerPriority {
    private CompilerPriority() {
    }

    /** The highest nice value among this process's compiler threads; empty off Linux or when none is found. */
    public static OptionalInt ofThisProcess() {
        return of(Path.of("/proc/self/task"));
    }

    /**
     * The highest nice value among the compiler threads under {@code tasks} ({@code /proc/PID/task}); empty when there
     * is no such directory or no compiler thread in it.
     */
    public static OptionalInt of(Path tasks) {
        if (!Files.isDirectory(tasks)) {
            return OptionalInt.empty();
        }
        OptionalInt highest = OptionalInt.empty();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                OptionalInt nice = compilerThreadNice(thread);
                if (nice.isPresent() && (highest.isEmpty() || nice.getAsInt() > highest.getAsInt())) {
                    highest = nice;
                }
            }
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        return highest;
    }

    private static OptionalInt compilerThreadNice(Path thread) {
        try {
            String comm = Files.readString(thread.resolve("comm"), StandardCharsets.US_ASCII).strip();
            if (!ThreadStat.isJitCompiler(comm)) {
                return OptionalInt.empty();
            }
            String stat = Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII);
            return OptionalInt.of((int) ThreadStat.field(stat, ThreadStat.NICE));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty(); // a thread that ended while read, or a stat line not as proc(5) has it
        }
    }
}
