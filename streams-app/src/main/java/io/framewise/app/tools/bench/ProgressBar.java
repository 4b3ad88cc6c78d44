package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.util.Locale;

import io.framewise.app.tools.client.ProgressOutput;

/**
 * Progress on stderr as a bar: on a terminal redrawn in place at most five times a second, elsewhere a line every
 * 10 s ({@link ProgressOutput}); the last update is always shown.
 */
public final class ProgressBar {
    static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;

    private final ProgressOutput output;
    private final String label;
    private final long total;
    private long done;

    public ProgressBar(PrintWriter out, String label, long total) {
        this(new ProgressOutput(out, TERMINAL_INTERVAL_NANOS), label, total);
    }

    ProgressBar(ProgressOutput output, String label, long total) {
        this.output = output;
        this.label = label;
        this.total = Math.max(1, total);
    }

    public synchronized void step(String detail) {
        update(done + 1, detail);
    }

    /** Sets how much is done (e.g. frames, when the total is a frame count) and redraws if due. */
    public synchronized void update(long doneSoFar, String detail) {
        done = doneSoFar;
        boolean last = done == total;
        if (output.due(output.now()) || last) {
            int width = 30;
            int filled = (int) (width * Math.min(done, total) / total);
            output.show(String.format(Locale.ROOT, "%s [%s%s] %3d%% %-40s", label, "#".repeat(filled),
                    ".".repeat(width - filled), 100 * Math.min(done, total) / total,
                    detail.length() > 40 ? detail.substring(0, 40) : detail));
        }
    }

    public synchronized void finish() {
        output.end();
    }
}
