package io.framewise.app;


import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.PipelineScenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole path on the embedded broker: publish JPEG frames from several cameras, run the application, read the events. */
class PipelineIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();

    @Test
    void everyFrameOfEveryCameraBecomesExactlyOneEventInOrder() throws Exception {
        PipelineScenario.run(fixture.settings("e2e"), fixture.client(), fixture.model());
    }
}
