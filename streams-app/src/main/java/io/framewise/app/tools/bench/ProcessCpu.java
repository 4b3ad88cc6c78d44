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

import io.framewise.app.observability.ThreadStat;

/**
 * Where this process's CPU goes, by role, between two snapshots: the profile a sweep point prints beside its latency
 * stages, so that a point's figures come with what took the machine (on 2 cores the model shares it with the
 * compiler, the stream threads, and in a benchmark with the embedded broker and the benchmark's own clients).
 *
 * <p>Java threads are timed by the JVM's per-thread CPU clock and named in full (Linux keeps only 15 characters of a
 * thread's name); the JIT compiler and GC threads, which the JVM does not list, by {@code /proc/self/task}; what the
 * process used beyond both is its native threads', which in framewise are TensorFlow's (OpenCV and FFmpeg decode on
 * the stream threads), so it counts as the model's. Beside them, from {@code /proc/stat}: the machine's other
 * processes, the CPU its hypervisor gave to other guests (steal: these machines are shared), and idle.
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
        OTHER("other (broker, ...)"),
        /** Not this process: the machine's other processes, CPU the hypervisor gave to other guests, and idle. */
        OTHER_PROCESSES("other processes", false),
        STEAL("host steal", false),
        IDLE("idle", false);

        private final String label;
        private final boolean inProcess;

        Role(String label) {
            this(label, true);
        }

        Role(String label, boolean inProcess) {
            this.label = label;
            this.inProcess = inProcess;
        }

        public String label() {
            return label;
        }

        /** False for the machine's CPU outside this process. */
        public boolean inProcess() {
            return inProcess;
        }
    }

    /** CPU times so far: per Java thread (by id, with its name), the JIT's, GC's and the whole process's. */
    public record Snapshot(long atNanos, Map<Long, String> javaNames, Map<Long, Long> javaCpuNanos, long jitNanos,
                           long gcNanos, long processNanos, Machine machine) {
    }

    /** The whole machine's CPU time so far, from {@code /proc/stat}, in nanoseconds (-1: unknown). */
    public record Machine(long busyNanos, long stealNanos, long idleNanos) {
        static final Machine UNKNOWN = new Machine(-1, -1, -1);

        /** From the {@code cpu} line of {@code /proc/stat}: user nice system idle iowait irq softirq steal ... */
        static Machine parse(String procStat) {
            String line = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow();
            String[] f = line.substring(4).trim().split(" +");
            long[] t = new long[8];
            for (int i = 0; i < 8; i++) {
                t[i] = Long.parseLong(f[i]);
            }
            return new Machine((t[0] + t[1] + t[2] + t[5] + t[6]) * NANOS_PER_TICK, t[7] * NANOS_PER_TICK,
                    (t[3] + t[4]) * NANOS_PER_TICK);
        }
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
                if (ThreadStat.isJitCompiler(comm)) {
                    jit += ticks * NANOS_PER_TICK;
                } else if (isGcOrVm(comm)) {
                    gc += ticks * NANOS_PER_TICK;
                }
            }
        } catch (IOException | RuntimeException noProc) {
            return new Snapshot(System.nanoTime(), names, cpu, -1, -1, -1, Machine.UNKNOWN);
        }
        long process;
        try {
            process = ticks(Files.readString(STAT)) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException noProc) {
            process = -1;
        }
        Machine machine;
        try {
            machine = Machine.parse(Files.readString(Path.of("/proc/stat")));
        } catch (IOException | RuntimeException noProc) {
            machine = Machine.UNKNOWN;
        }
        return new Snapshot(System.nanoTime(), names, cpu, jit, gc, process, machine);
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
            if (r.inProcess()) {
                cores.put(r, 0.0);
            }
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
        if (from.machine().busyNanos() >= 0 && to.machine().busyNanos() >= 0) {
            long busy = to.machine().busyNanos() - from.machine().busyNanos();
            cores.put(Role.OTHER_PROCESSES, Math.max(0, busy - process) / wall);
            cores.put(Role.STEAL, Math.max(0, to.machine().stealNanos() - from.machine().stealNanos()) / wall);
            cores.put(Role.IDLE, Math.max(0, to.machine().idleNanos() - from.machine().idleNanos()) / wall);
        }
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

    static boolean isGcOrVm(String comm) {
        return comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")
                || comm.startsWith("VM Periodic");
    }

    /** utime + stime of a {@code stat} line. */
    static long ticks(String stat) {
        return ThreadStat.field(stat, ThreadStat.UTIME) + ThreadStat.field(stat, ThreadStat.STIME);
    }
}
