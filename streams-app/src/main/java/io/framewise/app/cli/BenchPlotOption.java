package io.framewise.app.cli;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code --plot}, for the benchmarks whose report can be drawn. */
@Command // picocli takes a class as a mixin only if it carries a picocli annotation
final class BenchPlotOption {
    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the report (latency over time, or goodput against load).")
    Path file;
}
