package io.framewise.inference.efficientformer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.framewise.decoder.PreprocessSpec;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.efficientformer.v1.EfficientFormerV1;
import io.framewise.inference.efficientformer.v2.EfficientFormerV2;
import io.framewise.inference.efficientformer.weights.EvaluationCrop;
import io.framewise.inference.efficientformer.weights.StateDictWeights;
import io.framewise.inference.efficientformer.weights.WeightSource;
import io.framewise.inference.export.ModelExporter;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Builds any EfficientFormer variant into a TF graph, and exports it as a Framewise model directory. */
public final class EfficientFormer {
    /** Official evaluation preprocessing: short side to 256 (bicubic), center crop 224, ImageNet mean/std, RGB. */
    public static final PreprocessSpec PREPROCESSING = PreprocessSpec.imagenet(Variant.INPUT_SIZE, 0.875);
    /** Metadata key saying where the model's crop fraction comes from. */
    public static final String CROP_SOURCE_KEY = "preprocessing.crop.source";

    private EfficientFormer() {
    }

    /** Adds the 1000-class network to {@code tf}'s graph on {@code images} ([N, 224, 224, 3] float, NHWC). */
    public static Outputs build(Ops tf, Operand<TFloat32> images, Variant variant, WeightSource weights, boolean fold) {
        return build(tf, images, variant, weights, fold, Variant.NUM_CLASSES);
    }

    /** As above with {@code classes} outputs (a fine-tuned head). */
    public static Outputs build(Ops tf, Operand<TFloat32> images, Variant variant, WeightSource weights, boolean fold,
                                int classes) {
        NetBuilder net = new NetBuilder(tf, weights, fold);
        Outputs out = variant.version() == Variant.Version.V1
                ? EfficientFormerV1.build(net, images, variant, classes)
                : EfficientFormerV2.build(net, images, variant, classes);
        if (weights instanceof StateDictWeights file) {
            file.verifyAllUsed();
        }
        return out;
    }

    public static Placeholder<TFloat32> imagesPlaceholder(Ops tf) {
        return tf.withName("images").placeholder(TFloat32.class,
                Placeholder.shape(Shape.of(-1, Variant.INPUT_SIZE, Variant.INPUT_SIZE, 3)));
    }

    /**
     * Exports {@code variant} with {@code weights} to {@code directory}: SavedModel (weights as constants, BatchNorm and
     * layer scales folded), metadata, labels. The model has one class per label.
     *
     * @param version free-form version recorded in the metadata and in every event (e.g. the weights' origin)
     */
    public static ModelMetadata export(Path directory, Variant variant, WeightSource weights, List<String> labels,
                                       String version) throws IOException {
        return export(directory, variant, weights, labels, version, "float32");
    }

    /** @param precision "float32", or "bfloat16" to run with oneDNN auto mixed precision by default */
    public static ModelMetadata export(Path directory, Variant variant, WeightSource weights, List<String> labels,
                                       String version, String precision) throws IOException {
        return export(directory, variant, weights, labels, version, precision, false);
    }

    /**
     * @param replace whether a Framewise model directory already at {@code directory} may be replaced (nothing else
     *                ever is: see {@link ModelExporter#checkTarget})
     */
    public static ModelMetadata export(Path directory, Variant variant, WeightSource weights, List<String> labels,
                                       String version, String precision, boolean replace) throws IOException {
        ModelExporter.checkTarget(directory, replace); // before the build, which takes seconds
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> images = imagesPlaceholder(tf);
            Outputs out = build(tf, images, variant, weights, true, labels.size());
            Operand<TFloat32> logits = tf.withName("logits").identity(out.logits());
            EvaluationCrop crop = weights.evaluationCrop();
            PreprocessSpec preprocessing = PreprocessSpec.imagenet(Variant.INPUT_SIZE, crop.fraction());
            ModelMetadata metadata = new ModelMetadata(ModelMetadata.CURRENT_FORMAT, variant.timmName(), version,
                    variant.timmName(), "serving_default", "images", "logits", ModelMetadata.OutputKind.LOGITS,
                    labels.size(), "labels.txt", ModelMetadata.Preprocessing.of(preprocessing), weights.describe(),
                    out.parameters(), out.macs(), Map.of("folded", "batchnorm,layer-scale,distilled-head",
                            ModelMetadata.PRECISION_KEY, precision, CROP_SOURCE_KEY, crop.source()));
            ModelExporter.export(directory, session, images, logits, metadata, labels, replace);
            return metadata;
        }
    }
}
