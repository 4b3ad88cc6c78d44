package io.framewise.app.cli;

import java.io.PrintWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command's standard output and error as picocli holds them, mixed into every command ({@code @Mixin Output
 * output}), so that tests and programs embedding the CLI capture them with {@code setOut}/{@code setErr} instead of
 * swapping {@code System.out}.
 */
@Command // picocli takes a class as a mixin only if it carries a picocli annotation besides @Spec
final class Output {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
