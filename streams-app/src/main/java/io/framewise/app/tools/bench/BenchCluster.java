package io.framewise.app.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.framewise.app.tools.broker.EmbeddedKafkaBroker;
import io.framewise.inference.export.Directories;

/**
 * Where a pipeline benchmark runs: the user's cluster, or an embedded broker started for the run; with a temporary
 * directory for the broker's log and the instance's state, deleted at the end.
 */
final class BenchCluster implements AutoCloseable {
    private final Path data;
    private final EmbeddedKafkaBroker broker;
    private final String bootstrapServers;

    private BenchCluster(Path data, EmbeddedKafkaBroker broker, String bootstrapServers) {
        this.data = data;
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
    }

    /** @param bootstrapServers the cluster to use, or null for an embedded broker */
    static BenchCluster open(String bootstrapServers, String name) throws IOException {
        Path data = Files.createTempDirectory("framewise-" + name + "-");
        if (bootstrapServers != null) {
            return new BenchCluster(data, null, bootstrapServers);
        }
        try {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(data.resolve("kafka"), 0).start();
            return new BenchCluster(data, broker, broker.bootstrapServers());
        } catch (RuntimeException | IOException e) {
            Directories.deleteQuietly(data);
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Path data() {
        return data;
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
        Directories.deleteQuietly(data);
    }
}
