package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress on stderr: on a terminal, a one-line bar redrawn in place at most five times a second; elsewhere (a file,
 * CI's log, a container's log) a line of its own every 10 s and at the end, since carriage returns there run every
 * update together into one line of thousands of characters.
 */
public final class ProgressBar {
    static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private long done;
    private long lastDraw;
    private boolean drawn;

    public ProgressBar(PrintWriter out, String label, long total) {
        this(out, label, total, System.console() != null, System::nanoTime);
    }

    ProgressBar(PrintWriter out, String label, long total, boolean terminal, LongSupplier nanoTime) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    public synchronized void step(String detail) {
        update(done + 1, detail);
    }

    /** Sets how much is done (e.g. frames, when the total is a frame count) and redraws if due. */
    public synchronized void update(long doneSoFar, String detail) {
        done = doneSoFar;
        long now = nanoTime.getAsLong();
        long interval = terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS;
        if (!drawn || now - lastDraw > interval || done == total) {
            drawn = true;
            lastDraw = now;
            int width = 30;
            int filled = (int) (width * Math.min(done, total) / total);
            String text = String.format(Locale.ROOT, "%s [%s%s] %3d%% %-40s", label, "#".repeat(filled),
                    ".".repeat(width - filled), 100 * Math.min(done, total) / total,
                    detail.length() > 40 ? detail.substring(0, 40) : detail);
            if (terminal) {
                out.print("\r" + text);
            } else {
                out.println(text.stripTrailing());
            }
            out.flush();
        }
    }

    public synchronized void finish() {
        if (terminal) {
            out.println();
        }
        out.flush();
    }
}
