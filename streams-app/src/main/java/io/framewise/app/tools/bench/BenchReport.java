package io.framewise.app.tools.bench;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a benchmark returns: the text {@code framewise bench} prints, the same figures as JSON, and its verdict. */
public interface BenchReport {
    /** The table and verdicts, as printed. */
    String text();

    /** Machine-readable: the machine, the configuration and every figure of the text. */
    ObjectNode json();

    /** Whether the run met what it checks (every frame accounted for; for the soak, memory flat as well). */
    boolean passed();

    /** A report that can also be drawn: latency over time, or goodput against offered load. */
    interface Plotted extends BenchReport {
        void plot(Path png) throws IOException;
    }

    /** A finished report: its text, its JSON and its verdict. */
    record Finished(String text, ObjectNode json, boolean passed) implements BenchReport {
    }

    /** Draws a report's plot into a PNG file. */
    @FunctionalInterface
    interface Plot {
        void draw(Path png) throws IOException;
    }

    /** A finished report with its plot. */
    record Drawn(String text, ObjectNode json, boolean passed, Plot drawing) implements Plotted {
        @Override
        public void plot(Path png) throws IOException {
            drawing.draw(png);
        }
    }
}
