package io.framewise.app.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * A Kafka cluster that test scenarios publish to and read from: the embedded broker ({@link BrokerFixture}), or a
 * broker in a container (deploy's container tests).
 */
public interface KafkaCluster {
    /** The bootstrap servers, as reached from this JVM. */
    String bootstrapServers();

    /** Settings of a framewise instance on this cluster, with its own topics and application id. */
    default Map<String, Object> settings(String name) {
        Map<String, Object> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrapServers());
        s.put("application.id", "it-" + name);
        s.put("framewise.input.topic", name + "-frames");
        s.put("framewise.output.topic", name + "-events");
        s.put("framewise.dead.letter.topic", name + "-dlq");
        s.put("framewise.topics.partitions", "3");
        return s;
    }

    /** Settings of a client of this cluster (a publisher, a consumer, an admin client). */
    default Map<String, Object> client() {
        return new HashMap<>(Map.of("bootstrap.servers", bootstrapServers()));
    }
}
