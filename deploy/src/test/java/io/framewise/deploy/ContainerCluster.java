package io.framewise.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.github.dockerjava.api.model.Capability;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.KafkaCluster;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A broker and framewise instances in containers on one container network, as a user deploys them: the instances
 * reach the broker by its name on the network ({@value #BROKER_ADDRESS}), the tests reach it and the instances'
 * probes through mapped ports.
 */
final class ContainerCluster implements KafkaCluster {
    static final String BROKER_ADDRESS = "kafka:19092";
    static final int HTTP_PORT = 9400;

    private static ContainerCluster shared;

    private final Network network;
    private final KafkaContainer kafka;
    private final double startSeconds;

    private ContainerCluster(Network network, KafkaContainer kafka, double startSeconds) {
        this.network = network;
        this.kafka = kafka;
        this.startSeconds = startSeconds;
    }

    /**
     * The container tests' broker, started on first use on a network of its own and shared by them (each test has
     * its own topics and application id), as Testcontainers' singleton-container pattern does: a broker start less
     * per test class. Removed when the JVM exits. Its group session timeouts are the short ones of the embedded
     * broker of the streams-app tests, so that a killed instance is noticed in seconds.
     */
    static synchronized ContainerCluster shared() throws IOException {
        if (shared == null) {
            long begin = System.nanoTime();
            Network network = Network.newNetwork();
            KafkaContainer kafka = new KafkaContainer(Images.kafka()).withNetwork(network).withListener(BROKER_ADDRESS);
            BrokerFixture.FAST_GROUPS.forEach((key, value) -> kafka.withEnv(brokerVariable(key), value));
            kafka.start();
            shared = new ContainerCluster(network, kafka, (System.nanoTime() - begin) / 1e9);
        }
        return shared;
    }

    KafkaContainer kafka() {
        return kafka;
    }

    /** How long the broker took to start: image loading, container start, and the broker's own start. */
    double startSeconds() {
        return startSeconds;
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    /**
     * A framewise instance (not started) on the broker's network, from this build's image, configured by environment variables only, as a
     * user configures the image: read-only root, no capabilities, writable scratch only where the Helm chart mounts
     * it, {@code model} mounted read-only as /models/current (the image's default command serves it). Ready when
     * {@code /health/ready} answers 200.
     */
    GenericContainer<?> instance(Path model, Map<String, Object> settings, ToStringConsumer log)
            throws IOException {
        GenericContainer<?> c = new GenericContainer<>(Images.framewise()).withNetwork(network)
                .withFileSystemBind(model.toAbsolutePath().toString(), "/models/current", BindMode.READ_ONLY)
                .withTmpFs(Map.of("/tmp", "rw,mode=1777", "/var/lib/framewise", "rw,mode=1777"))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true)
                        .withCapDrop(Capability.ALL)
                        .withSecurityOpts(List.of("no-new-privileges")))
                .withEnv("FRAMEWISE_KAFKA_BOOTSTRAP_SERVERS", BROKER_ADDRESS)
                .withEnv("FRAMEWISE_HTTP_HOST", "0.0.0.0")
                .withExposedPorts(HTTP_PORT)
                .withLogConsumer(log)
                .waitingFor(Wait.forHttp("/health/ready").forPort(HTTP_PORT).forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        settings.forEach((key, value) -> {
            if (!key.equals("bootstrap.servers")) {
                c.withEnv(instanceVariable(key), String.valueOf(value));
            }
        });
        return c;
    }

    /** {@code framewise.latency.budget.ms} is FRAMEWISE_LATENCY_BUDGET_MS; a Kafka key k is FRAMEWISE_KAFKA_K. */
    static String instanceVariable(String key) {
        String name = key.startsWith("framewise.") ? key.substring("framewise.".length()) : "kafka." + key;
        return "FRAMEWISE_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The broker property {@code group.streams.session.timeout.ms} is KAFKA_GROUP_STREAMS_SESSION_TIMEOUT_MS. */
    static String brokerVariable(String key) {
        return "KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
