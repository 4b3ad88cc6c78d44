package io.framewise.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.ClusterScenario;
import io.framewise.app.testing.FramewiseProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker goes down for a few seconds mid-stream: the application recovers by itself and nothing is lost. */
@Tag("multi-process")
class BrokerRestartIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();
    static Path model;

    @BeforeAll
    static void start() throws IOException {
        model = fixture.tinyModel("tiny64", 10, 64);
    }

    @Test
    void theApplicationRecoversFromABrokerRestartWithoutLosingFrames() throws Exception {
        String app = "broker-restart";
        try (FramewiseProcess instance = FramewiseProcess.start(fixture.root().resolve("restart.log"),
                ClusterScenario.runArgs(fixture, app, model, "at_least_once", "streams"))) {
            assertThat(instance.awaitLog("is RUNNING", Duration.ofSeconds(90))).as(instance.log()).isTrue();
            ClusterScenario.Accounting result = ClusterScenario.run(fixture, app, 900, 12, List.of(
                    new ClusterScenario.Step(4, () -> {
                        fixture.broker().stop();
                        Thread.sleep(4000);
                        fixture.broker().start();
                    })), false, Duration.ofSeconds(180));
            System.out.printf(Locale.ROOT, "broker restart: published %d, distinct %d, duplicates %d, missing %d, "
                    + "events of every camera flowing again %.2f s after the broker went down (down for 4 s)%n", result.published(), result.distinct(),
                    result.duplicates(), result.missing(), result.takeoverSeconds());
            assertThat(result.missing()).as("frames lost").isZero();
            assertThat(instance.isAlive()).as(instance.log()).isTrue();
        }
    }
}
