package io.framewise.deploy;

import java.io.IOException;
import java.nio.file.Path;

import org.testcontainers.utility.DockerImageName;

/** The images this build makes, as the container tests run them (loaded into the engine on first use). */
final class Images {
    private Images() {
    }

    /** framewise run (this module's Jib image). */
    static DockerImageName framewise() throws IOException {
        base();
        return ContainerEngine.image(framewiseTar());
    }

    /**
     * The stand-in for Apache's apache/kafka image (deploy/kafka-image), which Testcontainers' KafkaContainer takes
     * in its place: started the same way, from KAFKA_* variables.
     */
    static DockerImageName kafka() throws IOException {
        base();
        return ContainerEngine.image(kafkaTar())
                .asCompatibleSubstituteFor("apache/kafka");
    }

    /**
     * Both images' Debian base, which is also Testcontainers' "tiny image" (testcontainers.properties): loaded before
     * any container starts, since Testcontainers runs it to check that host files can be mounted.
     */
    static DockerImageName base() throws IOException {
        return ContainerEngine.image(tar("framewise.base.image.tar", "target/base-image/framewise-base.tar"));
    }

    /** The framewise image's tarball. */
    static Path framewiseTar() {
        return tar("framewise.image.tar", "target/framewise-image.tar");
    }

    /** The Kafka image's tarball. */
    static Path kafkaTar() {
        return tar("framewise.kafka.image.tar", "kafka-image/target/kafka-image.tar");
    }

    /** Where the build put it (the failsafe configuration says), or where it puts it when a test runs from an IDE. */
    private static Path tar(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback));
    }
}
