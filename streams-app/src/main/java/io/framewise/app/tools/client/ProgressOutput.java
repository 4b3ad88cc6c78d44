package io.framewise.app.tools.client;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * Where a tool's progress goes, and how often: on a terminal one line, redrawn in place at most once per the caller's
 * interval; elsewhere (a file, CI's log, a container's log) a line of its own every {@value #LOG_INTERVAL_NANOS} ns,
 * since carriage returns there run every update together into one line of thousands of characters. The first update
 * is always shown. Not thread-safe: its owner synchronizes.
 */
public final class ProgressOutput {
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private boolean shown;
    private long lastShown;

    /** On this process's terminal if it has one, on the system clock. */
    public ProgressOutput(PrintWriter out, long terminalIntervalNanos) {
        this(out, terminalIntervalNanos, System.console() != null, System::nanoTime);
    }

    public ProgressOutput(PrintWriter out, long terminalIntervalNanos, boolean terminal, LongSupplier nanoTime) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = terminal ? terminalIntervalNanos : LOG_INTERVAL_NANOS;
        this.nanoTime = nanoTime;
    }

    /** Now, by this output's clock. */
    public long now() {
        return nanoTime.getAsLong();
    }

    /** Whether an update at {@code now} is shown (the first is, then one per interval); if so it counts as shown. */
    public boolean due(long now) {
        if (shown && now - lastShown < intervalNanos) {
            return false;
        }
        shown = true;
        lastShown = now;
        return true;
    }

    /** Shows {@code text}: in place on a terminal, else as a line of its own. */
    public void show(String text) {
        if (terminal) {
            out.print("\r" + text);
        } else {
            out.println(text.stripTrailing());
        }
        out.flush();
    }

    /** Ends the terminal's line after the last update. */
    public void end() {
        if (terminal) {
            out.println();
        }
        out.flush();
    }
}
