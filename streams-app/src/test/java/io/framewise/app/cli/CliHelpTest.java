package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * In the spirit of the Quarkus CLI's help tests: {@code --help} of every command and subcommand works, prints its
 * usage to standard output (nothing to standard error) headed by one imperative sentence saying what the command
 * does. A command added without that header, or whose options picocli cannot build, fails here.
 */
class CliHelpTest {

    /** Every command's path below {@code framewise}, e.g. "model export", found from the command tree itself. */
    static Stream<String> commands() {
        List<String> paths = new ArrayList<>();
        paths.add("");
        collect(FramewiseCli.commandLine(), "", paths);
        assertThat(paths).as("every command is found").hasSizeGreaterThanOrEqualTo(13);
        return paths.stream();
    }

    private static void collect(CommandLine cli, String prefix, List<String> paths) {
        cli.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help") || !sub.getCommandName().equals(name)) {
                return; // picocli's help command has no --help of its own; aliases are the same command
            }
            String path = (prefix + " " + name).trim();
            paths.add(path);
            collect(sub, path, paths);
        });
    }

    @ParameterizedTest(name = "framewise {0} --help")
    @MethodSource("commands")
    void helpOfEveryCommandWorksAndSaysWhatItDoes(String path) {
        CommandLine cli = FramewiseCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
        args.add("--help");

        int code = cli.execute(args.toArray(String[]::new));

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).contains("Usage: framewise" + (path.isEmpty() ? "" : " " + path));
        CommandLine command = path.isEmpty() ? cli : find(cli, path);
        String[] header = command.getCommandSpec().usageMessage().header();
        assertThat(header).as("the header of 'framewise %s'", path).hasSize(1);
        assertThat(header[0]).as("one imperative sentence").matches("[A-Z][a-z]+\\b[^.]*\\.")
                .doesNotStartWith("Runs").doesNotStartWith("Prints").doesNotStartWith("Classifies");
        assertThat(out.toString()).as("the header heads the help").startsWith(header[0]);
    }

    @ParameterizedTest(name = "framewise {0} -V")
    @MethodSource("commands")
    void everyCommandPrintsTheVersion(String path) {
        CommandLine cli = FramewiseCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        List<String> args = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
        args.add("-V");

        assertThat(cli.execute(args.toArray(String[]::new))).isZero();

        assertThat(out.toString()).as("framewise %s -V", path).startsWith("framewise ").contains("Kafka ").contains("Java ");
    }

    /**
     * Picocli formats every description, header and footer with {@link String#format}; a text it cannot format (an
     * unescaped '%') is printed raw after a "[picocli WARN]" line on standard error, which this test cannot capture
     * (picocli's tracer holds the stream it started with), so it checks the cause: every text formats.
     */
    @ParameterizedTest(name = "framewise {0}: every text formats")
    @MethodSource("commands")
    void everyHelpTextFormatsWithoutAPicocliWarning(String path) {
        CommandLine cli = FramewiseCli.commandLine();
        CommandLine command = path.isEmpty() ? cli : find(cli, path);
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        List<String> texts = new ArrayList<>();
        texts.addAll(List.of(spec.usageMessage().description()));
        texts.addAll(List.of(spec.usageMessage().header()));
        texts.addAll(List.of(spec.usageMessage().footer()));
        spec.options().forEach(o -> texts.addAll(List.of(o.description())));
        spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
        assertThat(texts).as("texts of 'framewise %s'", path).isNotEmpty();
        for (String text : texts) {
            assertThatCode(() -> String.format(Locale.ROOT, text)).as("'%s' of 'framewise %s'", text, path)
                    .doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "framewise {0} --set nonsense")
    @MethodSource("commandsWithSettings")
    void aSettingThatIsNotKeyEqualsValueIsAUsageErrorThatShowsTheForm(String path) {
        // picocli's own message was "Value for option option '--set' (KEY=VALUE) should be in KEY=VALUE format ..."
        CommandLine cli = FramewiseCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of(path.split(" ")));
        args.addAll(List.of("--set", "nonsense"));

        assertThat(cli.execute(args.toArray(String[]::new))).isEqualTo(FramewiseCli.EXIT_USAGE);

        assertThat(err.toString().lines().findFirst()).get().asString()
                .isEqualTo("Invalid value for option '--set' (KEY=VALUE): 'nonsense' is not KEY=VALUE "
                        + "(e.g. --set framewise.latency.budget.ms=500; 'framewise config' lists every setting)");
    }

    @Test
    void publishRefusesAnUnusableCameraIdBeforeConnecting() {
        // '--camera ""' was accepted; no cluster is given here, so the id must be refused first
        CommandLine cli = FramewiseCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("publish", "--camera", "", "--source", "synthetic")).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--camera  is empty").contains("fix: give the camera an id");
        StringWriter err2 = new StringWriter();
        cli.setErr(new PrintWriter(err2, true));
        assertThat(cli.execute("publish", "--camera", "gate\u001b[2J", "--source", "synthetic")).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(err2.toString()).contains("--camera gate\\u001b[2J holds the control or formatting character U+001B")
                .doesNotContain("\u001b");
    }

    /** The commands that take --set. */
    static Stream<String> commandsWithSettings() {
        CommandLine root = FramewiseCli.commandLine();
        return commands().filter(path -> !path.isEmpty() && find(root, path).getCommandSpec().findOption("--set") != null);
    }

    @ParameterizedTest(name = "framewise bench {0} --help")
    @MethodSource("benchmarks")
    void eachBenchmarkOffersOnlyItsOwnOptions(String benchmark, List<String> own, List<String> others) {
        CommandLine cli = FramewiseCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.execute("bench", benchmark, "--help")).isZero();

        assertThat(out.toString()).contains(own);
        for (String option : others) {
            assertThat(out.toString()).as("'bench %s' does not offer %s", benchmark, option).doesNotContain(option + " ");
        }
    }

    static Stream<Arguments> benchmarks() {
        return Stream.of(
                Arguments.of("model", List.of("--batch-sizes", "--precision", "--json"), List.of("--cameras", "--rate", "--multiples")),
                Arguments.of("pipeline", List.of("--cameras", "--rate", "--plot", "--set"), List.of("--multiple", "--frames", "--batch-sizes")),
                Arguments.of("overload", List.of("--multiple", "--budget-ms"), List.of("--rate", "--multiples", "--frames")),
                Arguments.of("sweep", List.of("--multiples", "--cold-seconds", "--warmup-seconds", "--jit-seconds"), List.of("--rate", "--frames")),
                Arguments.of("soak", List.of("--frames", "--max-rss-growth"), List.of("--multiples", "--plot", "--budget-ms")),
                Arguments.of("preprocess", List.of("--frames", "--json"), List.of("--model", "--cameras", "--set")));
    }

    private static CommandLine find(CommandLine cli, String path) {
        CommandLine c = cli;
        for (String name : path.split(" ")) {
            c = c.getSubcommands().get(name);
        }
        return c;
    }
}
