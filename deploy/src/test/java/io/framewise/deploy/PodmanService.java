package io.framewise.deploy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.testcontainers.DockerClientFactory;

/**
 * Podman's Docker-compatible API ({@code podman system service}), started for this JVM's container tests on a socket
 * of its own and stopped when the JVM exits. What it takes on these machines, each found by a failure:
 * <ul>
 * <li>a private {@code containers.conf} (given by {@code CONTAINERS_CONF} to the service only, so the user's own
 * podman set-up is neither read nor changed) with ulimits within the sandbox's hard limits (podman's defaults ask for
 * more: "error setting rlimit type 7") and {@code runc} as the runtime (crun fails on these hybrid cgroups);</li>
 * <li>{@code --time=0}: the service would otherwise exit after 5 s without a request, between two tests.</li>
 * </ul>
 * Testcontainers' Ryuk needs an image that no registry here serves, so the build runs with Ryuk disabled: containers
 * are removed by Testcontainers' JVM hook, and whatever a killed test left behind by the hook at exit here.
 */
final class PodmanService {
    static final String CONTAINERS_CONF = """
            # written by framewise's container tests (PodmanService) for the podman service they start
            [containers]
            default_ulimits = ["nofile=16384:16384", "nproc=4096:4096"]

            [engine]
            runtime = "runc"
            """;

    private static PodmanService running;

    private final String podman;
    private final Path dir;
    private final Path socket;
    private final Process process;

    private PodmanService(String podman, Path dir) throws IOException {
        this.podman = podman;
        this.dir = dir;
        this.socket = dir.resolve("podman.sock");
        Path conf = Files.writeString(dir.resolve("containers.conf"), CONTAINERS_CONF);
        ProcessBuilder builder = new ProcessBuilder(podman, "system", "service", "--time=0", "unix://" + socket)
                .redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile());
        builder.environment().put("CONTAINERS_CONF", conf.toString());
        this.process = builder.start();
    }

    /** The socket of this JVM's service, started on first use (a few seconds). */
    static synchronized Path socket() {
        if (running == null) {
            String podman = Commands.require("podman", ContainerEngine.PACKAGES);
            try {
                // a short path: a unix socket's must fit in 108 bytes, and a build directory's may not
                PodmanService service = new PodmanService(podman, Files.createTempDirectory("framewise-podman-"));
                Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "podman-service-stop"));
                service.awaitAnswer(Duration.ofSeconds(30));
                System.out.println("container engine: no Docker engine answers; podman's Docker API started on "
                        + service.socket + " for these tests");
                running = service;
            } catch (IOException e) {
                throw new IllegalStateException("could not start podman's Docker API (podman system service): " + e, e);
            }
        }
        return running.socket;
    }

    private void awaitAnswer(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("podman system service exited with " + process.exitValue() + ":\n"
                        + Files.readString(dir.resolve("service.log")));
            }
            if (pings()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while podman's service started", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("podman system service did not answer on " + socket + " within " + timeout
                + ":\n" + Files.readString(dir.resolve("service.log")));
    }

    private boolean pings() {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(64);
            channel.read(answer);
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).contains(" 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes, with {@code remove}, every id that {@code list} prints. */
    private static void removeAll(List<String> list, List<String> remove) throws IOException, InterruptedException {
        String ids = Commands.run(Duration.ofSeconds(30), list).output().trim();
        if (!ids.isEmpty()) {
            remove.addAll(List.of(ids.split("\\s+")));
            Commands.run(Duration.ofSeconds(60), remove);
        }
    }

    /**
     * At exit: removes what this JVM's tests started (Testcontainers labels each container and network with its
     * session id) through the podman command, since the service may already be going, then stops the service.
     */
    private void stop() {
        String session = "label=org.testcontainers.sessionId=" + DockerClientFactory.SESSION_ID;
        try {
            removeAll(List.of(podman, "ps", "-aq", "--filter", session), Commands.list(podman, "rm", "-f", "-t", "0"));
            removeAll(List.of(podman, "network", "ls", "-q", "--filter", session), Commands.list(podman, "network", "rm", "-f"));
        } catch (IOException | RuntimeException e) {
            System.err.println("framewise: cleaning up this run's containers failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory of this JVM's own; the OS cleans /tmp
        }
    }
}
