package io.framewise.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.batch.BatchRunner;
import io.framewise.inference.serving.ServedModel;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stop is reported as clean only when it was: with a stream thread stuck in a frame whose model does not answer,
 * {@link FramewiseApplication#stop} says it did not stop in time (and {@code framewise run} then exits non-zero
 * instead of printing "stopped cleanly"); without one it says it did.
 */
class ApplicationStopIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();

    private static ServedModels models(CountDownLatch release, CountDownLatch entered) throws IOException {
        FrameClassifier classifier = FrameClassifier.load(fixture.model(), InferenceOptions.defaults());
        BatchRunner hanging = images -> {
            if (images.size() == 1 && images.get(0).get(0) < -2.0f) { // the black frame: the model hangs on it
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return classifier.run(images);
        };
        return new ServedModels(ServedModel.of(classifier).runner(hanging).maxBatch(4).maxWaitMs(1).start(), null);
    }

    private FramewiseConfig config(String app) {
        Map<String, Object> settings = fixture.settings(app);
        settings.put(FramewiseConfig.PIPELINE_DEPTH_CONFIG, "1");
        settings.put(FramewiseConfig.INFERENCE_TIMEOUT_MS_CONFIG, "60000");
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "600000");
        return new FramewiseConfig(settings);
    }

    @Test
    void aStopThatTimesOutIsReportedAsSuch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        FramewiseConfig config = config("stop-stuck");
        try (ServedModels models = models(release, entered)) {
            FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60));
            try (FramePublisher publisher = new FramePublisher(fixture.client(), config.inputTopic(), Clock.systemUTC())) {
                Frame f = TestFrames.frame("cam", 0, Instant.now(), TestFrames.solidJpeg(160, 120, 0), Codec.JPEG);
                publisher.send("cam", 0, FramewiseSerdes.frame().encode(f));
                publisher.flush();
            }
            assertThat(entered.await(60, TimeUnit.SECONDS)).as("the stream thread is stuck in the frame").isTrue();
            assertThat(app.stop(Duration.ofSeconds(2))).as("stopped within 2 s while a thread is stuck").isFalse();
            release.countDown();
        }
    }

    @Test
    void aStopWithNothingStuckIsClean() throws Exception {
        FramewiseConfig config = config("stop-clean");
        try (ServedModels models = models(new CountDownLatch(0), new CountDownLatch(1))) {
            FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60));
            assertThat(app.stop(Duration.ofSeconds(30))).isTrue();
        }
    }

}
