package io.framewise.inference;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.framewise.decoder.PreprocessSpec;
import org.slf4j.LoggerFactory;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

/**
 * Classifies batches of preprocessed images with any SavedModel whose serving signature maps a float batch
 * {@code [N,H,W,3]} to logits or probabilities {@code [N,C]}; what the input and output are, and how images must be
 * preprocessed, comes from the model directory's {@link ModelMetadata}.
 *
 * <p>Thread-safe: TensorFlow sessions run concurrent calls. Close it to free the session and its weights.
 */
public final class FrameClassifier implements AutoCloseable {
    private final Path directory;
    private final ModelMetadata metadata;
    private final List<String> labels;
    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final PreprocessSpec spec;
    private final InferenceOptions.Precision precision;

    private FrameClassifier(Path directory, ModelMetadata metadata, List<String> labels, SavedModelBundle bundle,
                            SessionFunction function, InferenceOptions.Precision precision) {
        this.precision = precision;
        this.directory = directory;
        this.metadata = metadata;
        this.labels = labels;
        this.bundle = bundle;
        this.function = function;
        this.spec = metadata.preprocessSpec();
    }

    public static FrameClassifier load(Path directory, InferenceOptions options) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new InvalidModelException(directory, "does not exist or is not a directory",
                    "pass an exported model directory (framewise model export --out DIR)");
        }
        ModelMetadata metadata = ModelMetadata.read(directory);
        List<String> labels = Labels.read(directory, metadata);
        if (!Files.isRegularFile(directory.resolve("saved_model.pb"))) {
            throw new InvalidModelException(directory, "no saved_model.pb in it", "re-export the model");
        }
        InferenceOptions.Precision precision = effectivePrecision(options, metadata);
        RewriterConfig.Builder rewrites = RewriterConfig.newBuilder();
        if (precision == InferenceOptions.Precision.BFLOAT16) {
            rewrites.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
        }
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(options.intraOpThreads())
                .setInterOpParallelismThreads(options.interOpThreads())
                .setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(rewrites))
                .build();
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(directory.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
                    .withConfigProto(config).load();
        } catch (TensorFlowException e) {
            throw new InvalidModelException(directory, "TensorFlow cannot load the SavedModel: " + firstLine(e),
                    "re-export the model");
        }
        try {
            SessionFunction function = bundle.function(metadata.signature());
            checkSignature(directory, metadata, function.signature());
            return new FrameClassifier(directory, metadata, labels, bundle, function, precision);
        } catch (RuntimeException e) {
            bundle.close();
            if (e instanceof InvalidModelException) {
                throw e;
            }
            throw new InvalidModelException(directory, "no usable signature '" + metadata.signature() + "': " + firstLine(e),
                    "export the model with a serving_default signature");
        }
    }

    /** The precision asked for (or the model's default), float32 where the CPU lacks native bfloat16. */
    static InferenceOptions.Precision effectivePrecision(InferenceOptions options, ModelMetadata metadata) {
        InferenceOptions.Precision wanted = options.precision();
        if (wanted == InferenceOptions.Precision.MODEL) {
            wanted = "bfloat16".equalsIgnoreCase(metadata.extra().get(ModelMetadata.PRECISION_KEY))
                    ? InferenceOptions.Precision.BFLOAT16 : InferenceOptions.Precision.FLOAT32;
        }
        if (wanted == InferenceOptions.Precision.BFLOAT16 && !CpuFeatures.hasBfloat16()) {
            LoggerFactory.getLogger(FrameClassifier.class).warn(
                    "bfloat16 requested but this CPU has no AVX-512 BF16/AMX: running float32");
            return InferenceOptions.Precision.FLOAT32;
        }
        return wanted;
    }

    /** The precision this classifier computes in. */
    public InferenceOptions.Precision precision() {
        return precision;
    }

    private static void checkSignature(Path dir, ModelMetadata m, Signature signature) {
        Signature.TensorDescription in = signature.getInputs().get(m.input());
        Signature.TensorDescription out = signature.getOutputs().get(m.output());
        if (in == null || out == null) {
            throw new InvalidModelException(dir, "signature '" + m.signature() + "' has inputs " + signature.inputNames()
                    + " and outputs " + signature.outputNames() + ", not '" + m.input() + "' -> '" + m.output() + "'",
                    "align " + ModelMetadata.FILE_NAME + " with the SavedModel's signature");
        }
        PreprocessSpec spec = m.preprocessSpec();
        Shape expected = Shape.of(-1, spec.height(), spec.width(), 3);
        if (in.dataType != DataType.DT_FLOAT || !compatible(in.shape, expected)) {
            throw new InvalidModelException(dir, "input '" + m.input() + "' is " + in.dataType + " " + in.shape
                    + ", expected DT_FLOAT " + expected, "export the model with a float NHWC image input");
        }
        if (out.dataType != DataType.DT_FLOAT || !compatible(out.shape, Shape.of(-1, m.numClasses()))) {
            throw new InvalidModelException(dir, "output '" + m.output() + "' is " + out.dataType + " " + out.shape
                    + ", expected DT_FLOAT [-1, " + m.numClasses() + "]", "export the model with an [N, classes] output");
        }
    }

    private static boolean compatible(Shape actual, Shape expected) {
        if (actual.isUnknown()) {
            return true;
        }
        if (actual.numDimensions() != expected.numDimensions()) {
            return false;
        }
        for (int i = 0; i < expected.numDimensions(); i++) {
            long a = actual.get(i);
            long e = expected.get(i);
            if (a != -1 && e != -1 && a != e) {
                return false;
            }
        }
        return true;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public PreprocessSpec preprocessSpec() {
        return spec;
    }

    public List<String> labels() {
        return labels;
    }

    public Path directory() {
        return directory;
    }

    /**
     * Runs the model on the first {@code n} images of {@code batch} (a buffer of at least n * H * W * 3 floats, from
     * position 0) and returns what the signature outputs: one row of {@code numClasses} values per image.
     */
    public float[][] run(FloatBuffer batch, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + n);
        }
        long floats = (long) n * spec.floatsPerImage();
        if (batch.capacity() < floats) {
            throw new IllegalArgumentException("batch buffer holds " + batch.capacity() + " floats, " + n + " images need " + floats);
        }
        FloatBuffer view = batch.duplicate().position(0).limit((int) floats);
        try (TFloat32 input = TFloat32.tensorOf(Shape.of(n, spec.height(), spec.width(), 3), DataBuffers.of(view))) {
            return outputs(input, n);
        }
    }

    private float[][] outputs(TFloat32 input, int n) {
        try (Result result = function.call(Map.of(metadata.input(), input))) {
            Tensor out = result.get(metadata.output()).orElseThrow(
                    () -> new IllegalStateException("model returned no '" + metadata.output() + "' output"));
            if (!(out instanceof TFloat32 values) || values.shape().numDimensions() != 2
                    || values.shape().get(0) != n || values.shape().get(1) != metadata.numClasses()) {
                throw new IllegalStateException("model output is " + out.dataType() + " " + out.shape()
                        + ", expected float [" + n + ", " + metadata.numClasses() + "]");
            }
            float[] flat = new float[n * metadata.numClasses()];
            values.asRawTensor().data().asFloats().read(flat);
            float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = Arrays.copyOfRange(flat, i * metadata.numClasses(), (i + 1) * metadata.numClasses());
            }
            return rows;
        }
    }

    /**
     * Runs the model on separately prepared images (each a buffer of H * W * 3 floats from position 0): each is copied
     * once, straight into its slice of the batch tensor.
     */
    public float[][] run(List<FloatBuffer> images) {
        int n = images.size();
        int floats = spec.floatsPerImage();
        try (TFloat32 input = TFloat32.tensorOf(Shape.of(n, spec.height(), spec.width(), 3))) {
            var data = input.asRawTensor().data().asFloats();
            for (int i = 0; i < n; i++) {
                FloatBuffer image = images.get(i).duplicate().position(0).limit(floats);
                DataBuffers.of(image).copyTo(data.offset((long) i * floats), floats);
            }
            return outputs(input, n);
        }
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    @Override
    public void close() {
        bundle.close();
    }
}
