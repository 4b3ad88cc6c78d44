package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.framewise.app.tools.bench.BenchReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Where a benchmark's report goes besides standard output; and what a benchmark command returns. */
@Command // picocli takes a class as a mixin only if it carries a picocli annotation
final class BenchReportOptions {
    @Option(names = "--json", paramLabel = "FILE", description = "Also write a machine-readable report.")
    Path json;

    /** Prints the report, writes its JSON if asked, and gives the exit code: 0 if it passed. */
    int finish(BenchReport report, Output output) throws IOException {
        output.out().print(report.text());
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report.json());
            output.out().println("report written to " + json);
        }
        output.out().flush();
        return report.passed() ? 0 : FramewiseCli.EXIT_FAILURE;
    }

    /** As {@link #finish(BenchReport, Output)}, drawing the plot too when {@code plot} is not null. */
    int finish(BenchReport.Plotted report, Path plot, Output output) throws IOException {
        if (plot != null) {
            report.plot(plot);
            output.err().println("plot written to " + plot);
        }
        return finish(report, output);
    }
}
