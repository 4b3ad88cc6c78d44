package io.framewise.inference.tiny;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.framewise.decoder.PreprocessSpec;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.ModelMetadata.OutputKind;
import io.framewise.inference.export.ModelExporter;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A small real network (two stride-2 convolutions, global average pooling, a linear classifier) with seeded random
 * weights, built with TF Java's Ops API and exported as a model directory. It exists so that tests and first runs
 * have a genuine SavedModel to serve in milliseconds; its answers carry no meaning.
 */
public final class TinyConvNet {
    /** Scene classes of the demo's street cameras. */
    public static final List<String> LABELS = List.of("car", "truck", "bus", "bicycle", "pedestrian", "dog",
            "traffic light", "stop sign", "empty road", "parked car");

    private TinyConvNet() {
    }

    /** Builds the network with weights from {@code seed} and exports it to {@code directory}. */
    public static ModelMetadata export(Path directory, long seed, int inputSize) throws IOException {
        return export(directory, seed, inputSize, 0);
    }

    /**
     * As above, with {@code slowLayers} extra 3x3 convolutions of 96 channels at half the input resolution: a real
     * network made deliberately slow (about 1 GMAC per layer at 224), for testing what happens under a budget.
     */
    public static ModelMetadata export(Path directory, long seed, int inputSize, int slowLayers) throws IOException {
        PreprocessSpec spec = PreprocessSpec.imagenet(inputSize, 0.875);
        SplittableRandom random = new SplittableRandom(seed);
        int c1 = slowLayers > 0 ? 96 : 8;
        int c2 = 16;
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> images = tf.withName("images").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, inputSize, inputSize, 3)));
            Operand<TFloat32> x = convRelu(tf, images, random, 3, c1);
            for (int i = 0; i < slowLayers; i++) {
                Operand<TFloat32> padded = tf.pad(x, tf.constant(new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}}), tf.constant(0f));
                x = tf.nn.relu(tf.nn.conv2d(padded, weights(tf, random, Shape.of(3, 3, c1, c1), 9 * c1), List.of(1L, 1L, 1L, 1L), "VALID"));
            }
            x = convRelu(tf, x, random, c1, c2);
            x = tf.math.mean(x, tf.constant(new int[] {1, 2}));
            Operand<TFloat32> logits = tf.withName("logits").math.add(
                    tf.linalg.matMul(x, weights(tf, random, Shape.of(c2, LABELS.size()), c2)),
                    weights(tf, random, Shape.of(LABELS.size()), 1));
            long half = (long) (inputSize / 2) * (inputSize / 2);
            long parameters = 27L * c1 + c1 + slowLayers * 9L * c1 * c1 + 9L * c1 * c2 + c2 + (long) c2 * LABELS.size() + LABELS.size();
            long macs = half * 27 * c1 + slowLayers * half * 9 * c1 * c1 + (long) (inputSize / 4) * (inputSize / 4) * 9 * c1 * c2
                    + (long) c2 * LABELS.size();
            ModelMetadata metadata = metadata(slowLayers > 0 ? "slow-convnet" : "tiny-convnet", seed, inputSize, parameters, macs);
            ModelExporter.export(directory, session, images, logits, metadata, LABELS, true); // a fixture: re-exported at will
            return metadata;
        }
    }

    /** The metadata a network of this name, seed and input size is exported with (a fake model's too). */
    public static ModelMetadata metadata(String name, long seed, int inputSize, long parameters, long macs) {
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, name, "seed-" + seed, name,
                "serving_default", "images", "logits", OutputKind.LOGITS, LABELS.size(), "labels.txt",
                ModelMetadata.Preprocessing.of(PreprocessSpec.imagenet(inputSize, 0.875)), "seeded-random(seed=" + seed + ")",
                parameters, macs, Map.of());
    }

    /** 3x3 stride-2 convolution with explicit 1-pixel padding on every side (TF SAME pads 0/1 on even inputs). */
    private static Operand<TFloat32> convRelu(Ops tf, Operand<TFloat32> x, SplittableRandom random, int in, int out) {
        Operand<TFloat32> padded = tf.pad(x, tf.constant(new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}}), tf.constant(0f));
        Operand<TFloat32> conv = tf.nn.conv2d(padded, weights(tf, random, Shape.of(3, 3, in, out), 9 * in),
                List.of(1L, 2L, 2L, 1L), "VALID");
        return tf.nn.relu(tf.nn.biasAdd(conv, weights(tf, random, Shape.of(out), 1)));
    }

    private static Operand<TFloat32> weights(Ops tf, SplittableRandom random, Shape shape, int fanIn) {
        float[] values = new float[(int) shape.size()];
        double scale = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return tf.constant(shape, DataBuffers.of(values));
    }
}
