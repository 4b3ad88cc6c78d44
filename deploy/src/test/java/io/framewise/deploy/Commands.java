package io.framewise.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the external programs these tests drive (podman, prometheus, node), with clear errors when one is missing. */
final class Commands {
    private Commands() {
    }

    record Result(int exitCode, String output) {
    }

    /** The program's path on PATH, if it is there. */
    static Optional<String> find(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    /** The program's path; fails the test, saying how to install it, when it is not on this machine. */
    static String require(String program, String debianPackage) {
        return find(program).orElseThrow(() -> new IllegalStateException(program + " is not installed; this test needs it. "
                + "Fix: apt-get install " + debianPackage + " (.ci/run installs it)"));
    }

    /** Runs {@code command} to its end (at most {@code timeout}) and returns its exit code and output. */
    static Result run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        return run(timeout, command, Map.of());
    }

    /** As above, with these variables added to the program's environment. */
    static Result run(Duration timeout, List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeout + ":\n" + out);
        }
        reader.join();
        return new Result(p.exitValue(), out.toString());
    }

    /** As {@link #run}, failing unless the exit code is 0. */
    static String check(Duration timeout, String... command) throws IOException, InterruptedException {
        Result r = run(timeout, List.of(command));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    static List<String> list(String... items) {
        return new ArrayList<>(List.of(items));
    }
}
