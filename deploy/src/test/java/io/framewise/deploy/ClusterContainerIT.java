package io.framewise.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import io.framewise.app.testing.ClusterScenario;
import io.framewise.app.testing.FramewiseProcess;
import io.framewise.inference.tiny.TinyConvNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.lifecycle.Startables;

/**
 * The product in containers, as users run it: the broker and three framewise containers from this build's images on
 * one container network (no host networking), read-only roots, the model mounted. Frames are published from the host
 * throughout; one framewise container is killed (SIGKILL) and another stopped (SIGTERM) while frames flow. Under
 * exactly_once_v2 every published frame has exactly one event, read with read_committed; the stopped container exits
 * 0 saying "stopped cleanly"; probes and metrics answer through mapped ports.
 */
class ClusterContainerIT {
    private static final String APP = "containers";

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void killingOneContainerAndStoppingAnotherLosesNoFrameAndDuplicatesNone() throws Exception {
        long begin = System.nanoTime();
        Images.framewise();
        Images.kafka();
        double imagesSeconds = seconds(begin);
        Path model = temp.resolve("model");
        TinyConvNet.export(model, 8, 64);
        TestHost.makeWorldReadable(temp); // the instances run as uid 10001, as on a cluster's volume

        ContainerCluster cluster = ContainerCluster.shared();
        double brokerSeconds = cluster.startSeconds();
        Map<String, Object> settings = ClusterScenario.instanceSettings(cluster, APP, "exactly_once_v2", "streams");
        List<ToStringConsumer> logs = new ArrayList<>();
        List<GenericContainer<?>> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            logs.add(new ToStringConsumer());
            instances.add(cluster.instance(model, settings, logs.get(i)));
        }
        GenericContainer<?> killed = instances.get(0);
        GenericContainer<?> stopped = instances.get(1);
        GenericContainer<?> survivor = instances.get(2);
        try {
            long instancesBegin = System.nanoTime();
            Startables.deepStart(instances).join();
            double readySeconds = seconds(instancesBegin);
            // each answered 200 once when it started; a later peer's join sends it back to REBALANCING (503)
            // for a moment, so readiness is awaited, not sampled
            for (GenericContainer<?> c : instances) {
                awaitReady(c);
            }

            DockerClient engine = ContainerEngine.client();
            ClusterScenario.Accounting result = ClusterScenario.run(cluster, APP, 1600, 12, List.of(
                    new ClusterScenario.Step(3, () -> FramewiseProcess.await(Duration.ofSeconds(90),
                            () -> ClusterScenario.activeMembers(cluster, APP).size() == 3,
                            "the three containers to own tasks, so that the kill and the stop hit work")),
                    new ClusterScenario.Step(5, () -> engine.killContainerCmd(killed.getContainerId())
                            .withSignal("KILL").exec()),
                    new ClusterScenario.Step(8, () -> engine.stopContainerCmd(stopped.getContainerId())
                            .withTimeout(60).exec())),
                    true, Duration.ofSeconds(180));
            System.out.printf(Locale.ROOT, "containers: published %d, distinct %d, duplicates %d, missing %d, "
                            + "dead letters %d, out of order %d; images loaded in %.1f s, broker started in %.1f s, "
                            + "3 instances ready in %.1f s, takeover after the stop %.1f s%n",
                    result.published(), result.distinct(), result.duplicates(), result.missing(),
                    result.deadLetters(), result.outOfOrder(), imagesSeconds, brokerSeconds, readySeconds,
                    result.takeoverSeconds());
            String all = "\n--- killed:\n" + tail(logs.get(0)) + "\n--- stopped:\n" + tail(logs.get(1))
                    + "\n--- survivor:\n" + tail(logs.get(2));
            assertThat(result.missing()).as("frames lost" + all).isZero();
            assertThat(result.distinct()).isEqualTo(result.published());
            assertThat(result.duplicates()).as("duplicates under exactly-once").isZero();
            assertThat(result.deadLetters()).as("valid frames yield no dead letter").isZero();
            assertThat(result.outOfOrder()).as("cameras whose first outcomes left their order").isZero();

            assertThat(exitCode(engine, killed)).as("SIGKILL").isEqualTo(137);
            assertThat(exitCode(engine, stopped)).as("SIGTERM: exit status" + all).isZero();
            assertThat(logs.get(1).toUtf8String()).contains("framewise run: stopped cleanly")
                    .doesNotContain("Exception in thread");
            assertThat(survivor.isRunning()).isTrue();
            awaitReady(survivor);
            assertThat(get(survivor, "/metrics").body()).contains("framewise_events_total{").contains("status=\"ok\"");
        } finally {
            instances.forEach(GenericContainer::stop);
        }
    }

    /** Ready within 60 s: the probe a Kubernetes readiness check would make, repeated as the kubelet does. */
    private void awaitReady(GenericContainer<?> c) {
        FramewiseProcess.await(Duration.ofSeconds(60), () -> {
            try {
                return get(c, "/health/ready").statusCode() == 200;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                return false; // not listening yet, or a refused connection: the probe fails, as the kubelet's would
            }
        }, "/health/ready of " + c.getContainerName() + " to answer 200");
    }

    private static long exitCode(DockerClient engine, GenericContainer<?> c) {
        return engine.inspectContainerCmd(c.getContainerId()).exec().getState().getExitCodeLong();
    }

    private HttpResponse<String> get(GenericContainer<?> c, String path) throws Exception {
        URI uri = URI.create("http://" + c.getHost() + ":" + c.getMappedPort(ContainerCluster.HTTP_PORT) + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(ToStringConsumer log) {
        String s = log.toUtf8String();
        return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
