package io.framewise.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import io.framewise.app.testing.TestFrames;
import io.framewise.decoder.FrameDecodeException;
import io.framewise.inference.serving.Admission;
import io.framewise.inference.serving.BudgetPolicy;
import io.framewise.inference.serving.FakeModels;
import io.framewise.inference.serving.ServedModel;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import org.junit.jupiter.api.Test;

/** Whatever happens to a frame on its way, it gives back what it held of the model's counts. */
class FrameAnalyzerTest {

    @Test
    void anErrorOrAnExceptionWhileDecodingReleasesTheFramesHoldOnTheModel() {
        ServedModel model = FakeModels.tiny(1, 64, size -> 1).maxBatch(4).maxWaitMs(1).start();
        try (ServedModels models = new ServedModels(model, null)) {
            Frame frame = TestFrames.frame("cam", 0, Instant.now(), TestFrames.jpeg(160, 120, 0, 0), Codec.JPEG);
            long now = System.nanoTime();
            Intake intake = new Intake(frame, 60_000, Instant.now(), now, 0,
                    new Admission.Request(now + 60_000_000_000L, false, BudgetPolicy.SKIP), false, null);

            FrameAnalyzer failsHard = new FrameAnalyzer(models, f -> {
                throw new AssertionError("a native crash surfacing as an Error");
            }, 10_000);
            assertThatThrownBy(() -> failsHard.start(intake)).isInstanceOf(AssertionError.class);
            assertThat(model.preparing()).as("frames counted as being prepared after an Error").isZero();

            FrameAnalyzer failsSoftly = new FrameAnalyzer(models, f -> {
                throw new FrameDecodeException(FrameDecodeException.Reason.CORRUPT, "not an image");
            }, 10_000);
            assertThatThrownBy(() -> failsSoftly.start(intake)).isInstanceOf(FrameDecodeException.class);
            assertThat(model.preparing()).isZero();

            // and the model still serves: a good frame goes through
            FrameAnalyzer good = new FrameAnalyzer(models, 10_000_000, 10_000);
            assertThat(good.analyze(intake).classified()).isTrue();
            assertThat(model.preparing()).isZero();
        }
    }
}
