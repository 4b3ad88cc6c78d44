package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on stderr, redrawn at most five times a second. */
public final class ProgressBar {
    private final PrintWriter out;
    private final String label;
    private final long total;
    private long done;
    private long lastDraw;

    public ProgressBar(PrintWriter out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    public synchronized void step(String detail) {
        update(done + 1, detail);
    }

    /** Sets how much is done (e.g. frames, when the total is a frame count) and redraws if due. */
    public synchronized void update(long doneSoFar, String detail) {
        done = doneSoFar;
        long now = System.nanoTime();
        if (now - lastDraw > 200_000_000L || done == total) {
            lastDraw = now;
            int width = 30;
            int filled = (int) (width * Math.min(done, total) / total);
            out.printf(Locale.ROOT, "\r%s [%s%s] %3d%% %-40s", label, "#".repeat(filled), ".".repeat(width - filled),
                    100 * Math.min(done, total) / total, detail.length() > 40 ? detail.substring(0, 40) : detail);
            out.flush();
        }
    }

    public synchronized void finish() {
        out.println();
        out.flush();
    }
}
