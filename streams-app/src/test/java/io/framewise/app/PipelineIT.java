package io.framewise.app;

import java.io.IOException;

import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.PipelineScenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole path on the embedded broker: publish JPEG frames from several cameras, run the application, read the events. */
class PipelineIT {
    static BrokerFixture fixture;

    @BeforeAll
    static void start() throws IOException {
        fixture = new BrokerFixture();
    }

    @AfterAll
    static void stop() throws IOException {
        fixture.close();
    }

    @Test
    void everyFrameOfEveryCameraBecomesExactlyOneEventInOrder() throws Exception {
        PipelineScenario.run(fixture.settings("e2e"), fixture.client(), fixture.model);
    }
}
