package io.framewise.app.observability;

/**
 * Reading Linux's per-thread {@code /proc/PID/task/TID/stat} and {@code comm} (proc(5)): shared by what reports the
 * JIT compiler's priority ({@link CompilerPriority}) and the benchmark's CPU accounting.
 */
public final class ThreadStat {
    /** The fields read, numbered as in proc(5): user and system CPU time in clock ticks, and the nice value. */
    public static final int UTIME = 14;
    public static final int STIME = 15;
    public static final int NICE = 19;

    private ThreadStat() {
    }

    /**
     * Field {@code number} of a {@code stat} line, numbered as proc(5) does (1: the thread id, 2: the command, 3: the
     * state, ...; 3 or more here), counted after the command's closing parenthesis, since the command itself may hold
     * spaces and parentheses.
     */
    public static long field(String stat, int number) {
        if (number < 3) {
            throw new IllegalArgumentException("field " + number + " is before the command's end");
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        return Long.parseLong(fields[number - 3]);
    }

    /** HotSpot's JIT compiler threads ("C1 CompilerThread0", "C2 CompilerThread1", ...; comm keeps 15 characters). */
    public static boolean isJitCompiler(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }
}
