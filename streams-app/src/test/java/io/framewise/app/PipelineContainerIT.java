package io.framewise.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.framewise.app.testing.PipelineScenario;
import io.framewise.inference.tiny.TinyConvNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end scenario against Apache Kafka's own container image, for parity with a stock broker. Skipped where
 * no Docker engine runs (the embedded-broker PipelineIT covers the same path everywhere).
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineContainerIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1");

    @TempDir
    Path temp;

    @Test
    void everyFrameOfEveryCameraBecomesExactlyOneEventInOrder() throws Exception {
        Path model = temp.resolve("model");
        TinyConvNet.export(model, 11, 224);
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", KAFKA.getBootstrapServers());
        settings.put("application.id", "it-container");
        settings.put("state.dir", Files.createDirectories(temp.resolve("streams")).toString());
        settings.put("framewise.topics.partitions", "3");
        PipelineScenario.run(settings, Map.of("bootstrap.servers", KAFKA.getBootstrapServers()), model);
    }
}
