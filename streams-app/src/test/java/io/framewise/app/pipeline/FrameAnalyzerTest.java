package io.framewise.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

import io.framewise.app.config.BudgetPolicy;
import io.framewise.app.testing.TestFrames;
import io.framewise.decoder.FrameDecodeException;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.tiny.TinyConvNet;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever happens to a frame on its way, it gives back what it held of the model's counts. */
class FrameAnalyzerTest {
    @TempDir
    Path temp;

    @Test
    void anErrorOrAnExceptionWhileDecodingReleasesTheFramesHoldOnTheModel() throws IOException {
        TinyConvNet.export(temp.resolve("m"), 1, 64);
        ModelRuntime model = ModelRuntime.start(FrameClassifier.load(temp.resolve("m"), InferenceOptions.defaults()), 4, 1);
        try (InferenceService models = new InferenceService(model, null)) {
            Frame frame = TestFrames.frame("cam", 0, Instant.now(), TestFrames.jpeg(160, 120, 0, 0), Codec.JPEG);
            long deadline = System.nanoTime() + 60_000_000_000L;

            FrameAnalyzer failsHard = new FrameAnalyzer(models, f -> {
                throw new AssertionError("a native crash surfacing as an Error");
            }, 3, 10_000);
            assertThatThrownBy(() -> failsHard.start(frame, deadline, false, BudgetPolicy.SKIP)).isInstanceOf(AssertionError.class);
            assertThat(model.preparing()).as("frames counted as being prepared after an Error").isZero();

            FrameAnalyzer failsSoftly = new FrameAnalyzer(models, f -> {
                throw new FrameDecodeException(FrameDecodeException.Reason.CORRUPT, "not an image");
            }, 3, 10_000);
            assertThatThrownBy(() -> failsSoftly.start(frame, deadline, false, BudgetPolicy.SKIP))
                    .isInstanceOf(FrameDecodeException.class);
            assertThat(model.preparing()).isZero();

            // and the model still serves: a good frame goes through
            FrameAnalyzer good = new FrameAnalyzer(models, 10_000_000, 3, 10_000);
            assertThat(good.analyze(frame, deadline, false, BudgetPolicy.SKIP).classified()).isTrue();
            assertThat(model.preparing()).isZero();
        }
    }
}
