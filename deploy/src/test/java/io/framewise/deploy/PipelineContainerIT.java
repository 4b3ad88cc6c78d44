package io.framewise.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.framewise.app.testing.PipelineScenario;
import io.framewise.inference.tiny.TinyConvNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end scenario of the embedded-broker PipelineIT, against a broker in a container started by
 * Testcontainers' KafkaContainer (the container tests' shared one), as a user's own test of an application would start Apache's apache/kafka image.
 * Runs on any machine with Docker or podman; on none, it fails saying how to install podman.
 */
class PipelineContainerIT {
    @TempDir
    Path temp;

    @Test
    void everyFrameOfEveryCameraBecomesExactlyOneEventInOrder() throws Exception {
        KafkaContainer kafka = ContainerCluster.shared().kafka();
        Path model = temp.resolve("model");
        TinyConvNet.export(model, 11, 224);
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.getBootstrapServers());
        settings.put("application.id", "it-container");
        settings.put("state.dir", Files.createDirectories(temp.resolve("streams")).toString());
        settings.put("framewise.topics.partitions", "3");
        PipelineScenario.run(settings, Map.of("bootstrap.servers", kafka.getBootstrapServers()), model);
    }
}
