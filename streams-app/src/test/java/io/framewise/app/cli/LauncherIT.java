package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.framewise.app.observability.CompilerPriority;
import io.framewise.app.observability.ThreadStat;
import io.framewise.app.testing.TestFrames;
import io.framewise.inference.tiny.TinyConvNet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./framewise}, the launcher a user runs (on the jar this build packaged): TensorFlow's native start-up lines,
 * which no environment variable silences, are not shown unless asked for; everything else the command says is; and
 * the JIT compiler runs at a lower priority than the rest of the process.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "framewise").toAbsolutePath().normalize();
    /** absl's INFO line format, e.g. "I0000 00:00:1796282512.920297    9728 mlir_graph_optimization_pass.cc:401] ...". */
    private static final Pattern ABSL_INFO = Pattern.compile("(?m)^I\\d{4} [\\d:.]+ +\\d+ \\S+\\.(cc|h):\\d+\\] ");

    @TempDir
    static Path temp;
    static Path model;
    static Path image;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void prepare() throws IOException {
        model = temp.resolve("tiny");
        TinyConvNet.export(model, 3, 64);
        image = temp.resolve("frame.jpg");
        Files.write(image, TestFrames.jpeg(160, 120, 0, 0));
    }

    @Test
    void aModelCommandShowsItsAnswerAndNoTensorFlowStartUpNoise() throws Exception {
        Result r = launch(Map.of(), "model", "predict", model.toString(), "--image", image.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("image 0:");
        assertThat(r.out() + r.err()).doesNotContain("absl::InitializeLog").doesNotContain("MLIR");
        assertThat(ABSL_INFO.matcher(r.err()).find()).as(r.err()).isFalse();
    }

    @Test
    void debugAsksForEverythingTensorFlowSays() throws Exception {
        // also proves the test above could fail: the lines it looks for are there when not filtered
        Result r = launch(Map.of("FRAMEWISE_LOG_LEVEL", "DEBUG"), "model", "predict", model.toString(), "--image",
                image.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("All log messages before absl::InitializeLog() is called are written to STDERR");
        assertThat(ABSL_INFO.matcher(r.err()).find()).as(r.err()).isTrue();
    }

    @Test
    void errorsStillReachTheUserThroughTheFilterWithTheirExitStatus() throws Exception {
        Result r = launch(Map.of(), "model", "predict", model.toString(), "--image", temp.resolve("missing.jpg").toString());
        assertThat(r.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(r.err()).contains("framewise model predict: error: cannot read").contains("no such file");
    }

    @Test
    void theJitCompilerRunsBelowEverythingElse() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "broker", "--port", "0",
                "--data-dir", temp.resolve("broker").toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("FRAMEWISE_JAVA_OPTS");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("Kafka broker ready"));
            assertThat(line).as("the broker started").isNotNull();
            // exec: the launcher's process is the JVM's
            Path tasks = Path.of("/proc", String.valueOf(p.pid()), "task");
            assertThat(CompilerPriority.of(tasks)).isEqualTo(OptionalInt.of(10));
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
                for (Path thread : threads) {
                    String comm = Files.readString(thread.resolve("comm")).strip();
                    if (comm.startsWith("kafka-") || comm.equals("java") || comm.startsWith("broker-")) {
                        String stat = Files.readString(thread.resolve("stat"));
                        assertThat(ThreadStat.field(stat, ThreadStat.NICE)).as("nice of %s", comm).isZero();
                    }
                }
            }
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static Result launch(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("TF_CPP_MIN_LOG_LEVEL"); // the launcher's own default, as a user has it
        pb.environment().remove("FRAMEWISE_LOG_LEVEL");
        pb.environment().putAll(environment);
        Process p = pb.start();
        // Read to the end of both: standard error ends only when the launcher's filter has written its last line
        // (it may do so just after java exits), so nothing is missed and nothing is waited for by time.
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        return new Result(p.exitValue(), out, err.get(60, TimeUnit.SECONDS));
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
