package io.framewise.inference.serving;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;

import io.framewise.inference.ModelMetadata;
import io.framewise.inference.batch.BatchRunner;
import io.framewise.inference.tiny.TinyConvNet;

/**
 * Served models without TensorFlow, for the tests of the frame path's rules (budgets, skips, fallback, in-flight
 * frames, accounting): a batch runner that answers after a latency the test chooses per batch size, with logits that
 * are a fixed, seeded linear map of each image's channel means, so that answers depend on the image and are the same
 * on every run. They carry {@link TinyConvNet}'s metadata and labels (an untrained "tiny-convnet"), and the real
 * preprocessing, buffer pool, batching engine and post-processing; only the network is made up. The tests that are
 * about TensorFlow serve the real one.
 */
public final class FakeModels {
    private FakeModels() {
    }

    /** No probe frames past the outlook: the policies are what such tests are about. */
    public static final long NO_PROBES = Long.MAX_VALUE / 4;

    /** A fake "tiny-convnet" of {@code inputSize} pixels whose batches take {@code latencyMs(size)}. */
    public static ServedModel.Builder tiny(long seed, int inputSize, IntToLongFunction latencyMs) {
        return named("tiny-convnet", seed, inputSize, latencyMs);
    }

    /** A fake model of this name (e.g. "slow-convnet" for a primary beside a fast fallback). */
    public static ServedModel.Builder named(String name, long seed, int inputSize, IntToLongFunction latencyMs) {
        ModelMetadata metadata = TinyConvNet.metadata(name, seed, inputSize, 0, 0);
        return ServedModel.of(metadata, TinyConvNet.LABELS, runner(metadata, seed, latencyMs));
    }

    /** The runner of {@link #tiny}, for a test that wraps it (a gate, a failure). */
    public static BatchRunner tinyRunner(long seed, int inputSize, IntToLongFunction latencyMs) {
        return runner(TinyConvNet.metadata("tiny-convnet", seed, inputSize, 0, 0), seed, latencyMs);
    }

    /** Answers each batch after {@code latencyMs(batch size)} with each image's seeded logits. */
    public static BatchRunner runner(ModelMetadata metadata, long seed, IntToLongFunction latencyMs) {
        int classes = metadata.numClasses();
        float[][] weights = new float[classes][4];
        SplittableRandom random = new SplittableRandom(seed);
        for (float[] row : weights) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        int floats = metadata.preprocessSpec().floatsPerImage();
        return images -> {
            sleep(latencyMs.applyAsLong(images.size()));
            float[][] out = new float[images.size()][];
            for (int i = 0; i < images.size(); i++) {
                out[i] = logits(images.get(i), floats, weights);
            }
            return out;
        };
    }

    private static float[] logits(FloatBuffer image, int floats, float[][] weights) {
        double[] mean = new double[3];
        for (int i = 0; i < floats; i++) {
            mean[i % 3] += image.get(i);
        }
        float[] logits = new float[weights.length];
        for (int c = 0; c < weights.length; c++) {
            float[] w = weights[c];
            logits[c] = (float) (w[0] * mean[0] / floats * 3 + w[1] * mean[1] / floats * 3 + w[2] * mean[2] / floats * 3 + w[3]);
        }
        return logits;
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
