package io.framewise.app.testing;

import java.util.Map;

/**
 * A Kafka cluster that test scenarios publish to and read from: the embedded broker ({@link BrokerFixture}), or a
 * broker in a container (deploy's container tests).
 */
public interface KafkaCluster {
    /** The bootstrap servers, as reached from this JVM. */
    String bootstrapServers();

    /** Settings of a framewise instance on this cluster, with its own topics and application id. */
    Map<String, Object> settings(String name);

    /** Settings of a client of this cluster (a publisher, a consumer, an admin client). */
    Map<String, Object> client();
}
