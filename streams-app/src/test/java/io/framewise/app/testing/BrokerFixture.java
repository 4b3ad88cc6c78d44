package io.framewise.app.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

import io.framewise.app.tools.broker.EmbeddedKafkaBroker;
import io.framewise.inference.tiny.TinyConvNet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded broker and one tiny model per test class: the real components, started once. A JUnit extension:
 * {@code @RegisterExtension static final BrokerFixture fixture = new BrokerFixture();} starts it before the class's
 * first test and stops it, deleting its files, after the last. Outside JUnit's lifecycle: {@link #start()} and
 * {@link #close()}.
 */
public final class BrokerFixture implements KafkaCluster, BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private Path root;
    private EmbeddedKafkaBroker broker;
    private Path model;

    /**
     * Group session timeouts are short (6 s) so that a killed instance is detected in seconds, and the transaction
     * coordinator looks for timed-out transactions every second (not every 10 s), so that a killed instance's open
     * transaction is aborted soon after its 10 s timeout; the product's defaults would make failover tests slow
     * without testing anything more.
     */
    public static final Map<String, String> FAST_GROUPS = Map.of(
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000",
            "group.min.session.timeout.ms", "1000",
            "group.consumer.min.session.timeout.ms", "1000",
            "group.consumer.session.timeout.ms", "6000",
            "group.streams.min.session.timeout.ms", "1000",
            "group.streams.session.timeout.ms", "6000",
            "group.streams.min.heartbeat.interval.ms", "500",
            "group.streams.heartbeat.interval.ms", "1000",
            "group.streams.initial.rebalance.delay.ms", "0");

    /** Starts the broker and exports the model. */
    public BrokerFixture start() throws IOException {
        if (broker != null) {
            throw new IllegalStateException("already started");
        }
        root = Files.createTempDirectory("framewise-it-");
        broker = new EmbeddedKafkaBroker(root.resolve("kafka"), 0, FAST_GROUPS).start();
        model = root.resolve("model");
        TinyConvNet.export(model, 11, 224);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    private <T> T started(T part) {
        if (part == null) {
            throw new IllegalStateException("the broker fixture is not started: register it with @RegisterExtension "
                    + "on a static field, or call start()");
        }
        return part;
    }

    public EmbeddedKafkaBroker broker() {
        return started(broker);
    }

    /** A tiny real model (224x224 input), exported once. */
    public Path model() {
        return started(model);
    }

    /** The fixture's directory, deleted when it stops. */
    public Path root() {
        return started(root);
    }

    /** A tiny real model exported under this fixture's directory (64x64 input: cheap for multi-process tests). */
    public Path tinyModel(String name, long seed, int inputSize) throws IOException {
        Path dir = root().resolve(name);
        TinyConvNet.export(dir, seed, inputSize);
        return dir;
    }

    @Override
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** As {@link KafkaCluster#settings}, with a state directory under this fixture's. */
    @Override
    public Map<String, Object> settings(String name) {
        Map<String, Object> s = KafkaCluster.super.settings(name);
        s.put("state.dir", root().resolve("streams-" + name).toString());
        return s;
    }

    @Override
    public void close() throws IOException {
        if (broker == null) {
            return;
        }
        broker.close();
        broker = null;
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
