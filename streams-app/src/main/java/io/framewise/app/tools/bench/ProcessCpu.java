package io.framewise.app.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where this process's CPU goes, by role, between two snapshots: the profile a sweep point prints beside its latency
 * stages, so that a point's figures come with what took the machine (on 2 cores the model shares it with the
 * compiler, the stream threads, and in a benchmark with the embedded broker and the benchmark's own clients).
 *
 * <p>Java threads are timed by the JVM's per-thread CPU clock and named in full (Linux keeps only 15 characters of a
 * thread's name); the JIT compiler and GC threads, which the JVM does not list, by {@code /proc/self/task}; what the
 * process used beyond both is its native threads', which in framewise are TensorFlow's (OpenCV and FFmpeg decode on
 * the stream threads), so it counts as the model's.
 */
public final class ProcessCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final Path STAT = Path.of("/proc/self/stat");
    /** Linux's USER_HZ: /proc's CPU times are in ticks of 10 ms. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** What a thread does for the pipeline. */
    public enum Role {
        MODEL("model"),
        STREAM("stream threads"),
        APP_CLIENTS("app's Kafka clients"),
        JIT("JIT compiler"),
        GC("GC and VM"),
        BENCHMARK("benchmark's clients"),
        NEIGHBOUR("neighbour"),
        OTHER("other (broker, ...)");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** CPU times so far: per Java thread (by id, with its name), the JIT's, GC's and the whole process's. */
    public record Snapshot(long atNanos, Map<Long, String> javaNames, Map<Long, Long> javaCpuNanos, long jitNanos,
                           long gcNanos, long processNanos) {
    }

    private final String applicationId;

    /** @param applicationId the Kafka Streams application id of the instance measured (its threads carry it) */
    public ProcessCpu(String applicationId) {
        this.applicationId = applicationId;
    }

    public Snapshot snapshot() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue; // ended since the ids were read
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                names.put(info.getThreadId(), info.getThreadName());
                cpu.put(info.getThreadId(), nanos);
            }
        }
        long jit = 0;
        long gc = 0;
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String comm;
                long ticks;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                    ticks = ticks(Files.readString(task.resolve("stat")));
                } catch (IOException | RuntimeException ended) {
                    continue; // the thread ended while listed
                }
                if (isJit(comm)) {
                    jit += ticks * NANOS_PER_TICK;
                } else if (isGcOrVm(comm)) {
                    gc += ticks * NANOS_PER_TICK;
                }
            }
        } catch (IOException | RuntimeException noProc) {
            return new Snapshot(System.nanoTime(), names, cpu, -1, -1, -1);
        }
        long process;
        try {
            process = ticks(Files.readString(STAT)) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException noProc) {
            process = -1;
        }
        return new Snapshot(System.nanoTime(), names, cpu, jit, gc, process);
    }

    /**
     * Cores used by each role between {@code from} and {@code to} (CPU seconds per second of wall time); empty when
     * {@code /proc} could not be read. A Java thread started in between counts from zero; one ended in between, which
     * the JVM no longer times, falls in the native remainder (the model's), as a pipeline's threads live as long as it.
     */
    public Map<Role, Double> between(Snapshot from, Snapshot to) {
        Map<Role, Double> cores = new EnumMap<>(Role.class);
        double wall = Math.max(1, to.atNanos() - from.atNanos());
        if (from.processNanos() < 0 || to.processNanos() < 0) {
            return cores;
        }
        for (Role r : Role.values()) {
            cores.put(r, 0.0);
        }
        long java = 0;
        for (Map.Entry<Long, Long> t : to.javaCpuNanos().entrySet()) {
            long used = Math.max(0, t.getValue() - from.javaCpuNanos().getOrDefault(t.getKey(), 0L));
            java += used;
            cores.merge(role(to.javaNames().get(t.getKey())), used / wall, Double::sum);
        }
        long jit = Math.max(0, to.jitNanos() - from.jitNanos());
        long gc = Math.max(0, to.gcNanos() - from.gcNanos());
        long process = Math.max(0, to.processNanos() - from.processNanos());
        cores.merge(Role.JIT, jit / wall, Double::sum);
        cores.merge(Role.GC, gc / wall, Double::sum);
        cores.merge(Role.MODEL, Math.max(0, process - java - jit - gc) / wall, Double::sum);
        return cores;
    }

    /** The role of a Java thread, by its name. */
    Role role(String javaName) {
        if (javaName == null) {
            return Role.OTHER;
        }
        if (javaName.startsWith("framewise-model-") || javaName.startsWith("framewise-batcher-")) {
            return Role.MODEL;
        }
        if (javaName.startsWith("bench-neighbour-")) {
            return Role.NEIGHBOUR;
        }
        boolean app = javaName.contains(applicationId);
        if (app && javaName.contains("-StreamThread-") && !javaName.startsWith("kafka-")) {
            return Role.STREAM;
        }
        if (app) {
            return Role.APP_CLIENTS; // producers' network threads, the heartbeat, the state updater
        }
        // the benchmark publishes from its main thread through a producer of its own, and reads the outcomes
        if (javaName.equals("main") || javaName.startsWith("outcome-collector")
                || javaName.startsWith("kafka-producer-network-thread | producer-")) {
            return Role.BENCHMARK;
        }
        return Role.OTHER;
    }

    static boolean isJit(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    static boolean isGcOrVm(String comm) {
        return comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")
                || comm.startsWith("VM Periodic");
    }

    /** utime + stime of a {@code stat} line (fields 14 and 15, counted after the command's closing parenthesis). */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
