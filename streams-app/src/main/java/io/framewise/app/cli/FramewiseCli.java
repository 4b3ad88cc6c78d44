package io.framewise.app.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import io.framewise.inference.InvalidModelException;
import io.framewise.inference.export.ExportRefusedException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code framewise}: streaming video classification on Apache Kafka. */
@Command(name = "framewise", mixinStandardHelpOptions = true, versionProvider = FramewiseCli.Version.class, header = "Classify camera frames flowing through Apache Kafka.",
        description = "Classifies camera frames flowing through Apache Kafka with EfficientFormer models.",
        subcommands = {DemoCommand.class, BrokerCommand.class, RunCommand.class, PublishCommand.class,
                ConsumeCommand.class, ViewCommand.class, ModelCommand.class, BenchCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class FramewiseCli implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest (Maven's project version), so that --version never goes stale. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FramewiseCli.class.getPackage().getImplementationVersion();
            return new String[] {"framewise " + (v == null ? "(development build)" : v),
                "Kafka " + AppInfoParser.getVersion() + ", Java " + Runtime.version()};
        }
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FramewiseCli());
        // --mode sweep, --codec png, --precision float32: enum options in the lower case the help shows
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(FramewiseCli::report);
        versionEverywhere(cli);
        return cli;
    }

    /**
     * {@code -V} prints the version on every command: picocli's standard options give each subcommand a -V, but the
     * version provider is the root's alone unless each command is given it.
     */
    private static void versionEverywhere(CommandLine cli) {
        cli.getCommandSpec().versionProvider(new Version());
        cli.getSubcommands().values().forEach(FramewiseCli::versionEverywhere);
    }

    /** One line naming the problem and the fix; the stack trace only with FRAMEWISE_LOG_LEVEL=DEBUG. */
    private static int report(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String fix = null;
        int code = EXIT_FAILURE;
        if (e instanceof CliException c) {
            fix = c.fix();
            code = EXIT_USAGE;
        } else if (e instanceof ConfigException) {
            fix = "see 'framewise config' for every setting and its valid values";
            code = EXIT_USAGE;
        } else if (e instanceof InvalidModelException || e instanceof ExportRefusedException) {
            code = EXIT_USAGE;
        } else if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
            // a path the user gave that is not there (or not theirs to read): the command could not start
            fix = "check the path";
            code = EXIT_USAGE;
        }
        err.println(cli.getCommandSpec().qualifiedName() + ": error: " + message(e));
        if (fix != null) {
            err.println("  fix: " + fix);
        }
        if ("DEBUG".equalsIgnoreCase(System.getenv("FRAMEWISE_LOG_LEVEL"))) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static String message(Throwable e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    public static void main(String[] args) {
        CommandLine cli = commandLine();
        int code = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(code);
    }
}
