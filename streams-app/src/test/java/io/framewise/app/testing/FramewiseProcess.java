package io.framewise.app.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.framewise.app.cli.FramewiseCli;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** {@code framewise ...} in its own JVM, as a deployment runs it; output goes to a log file the test can read. */
public final class FramewiseProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private FramewiseProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static FramewiseProcess start(Path log, String... args) throws IOException {
        return startWithJvmOptions(log, List.of(), args);
    }

    /** As {@link #start}, with extra JVM options (e.g. another logging configuration). */
    public static FramewiseProcess startWithJvmOptions(Path log, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FramewiseCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        // several instances run at once: each serves its metrics and health on a free local port
        pb.environment().put("FRAMEWISE_HTTP_PORT", "0");
        pb.environment().put("FRAMEWISE_HTTP_HOST", "127.0.0.1");
        Process process = pb.start();
        // Whatever happens to the test, its instances must not outlive the test JVM and eat the machine's CPU.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-" + process.pid()));
        return new FramewiseProcess(process, log);
    }

    public long pid() {
        return process.pid();
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until the log contains {@code text}; false on timeout or if the process died first. */
    public boolean awaitLog(String text, Duration timeout) throws IOException {
        try {
            Awaitility.await("'" + text + "' in the log").atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> log().contains(text) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            return false;
        }
        return log().contains(text);
    }

    /** Waits for the process to exit by itself; its exit code, or -1 if it did not exit in time. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM, as an orchestrator stops a container; returns the exit code, or -1 if it did not exit in time. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGKILL: the process dies at once, nothing flushed, nothing committed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** What a waiting test last observed, for its failure message. */
    public static final AtomicReference<String> DIAGNOSTIC = new AtomicReference<>("");

    /** Waits for {@code condition}, failing with what was last observed ({@link #DIAGNOSTIC}) on timeout. */
    public static void await(Duration timeout, BooleanSupplier condition, String what) {
        try {
            Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + DIAGNOSTIC.get(), e);
        }
    }
}
