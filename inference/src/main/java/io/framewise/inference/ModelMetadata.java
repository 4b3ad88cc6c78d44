package io.framewise.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.framewise.decoder.PreprocessSpec;

/**
 * {@value #FILE_NAME}: what a model directory says about its model, beside the SavedModel itself.
 *
 * <pre>{@code
 * {
 *   "format": 1,
 *   "name": "efficientformer_l1", "version": "imagenet-1k.<sha>", "variant": "efficientformer_l1",
 *   "signature": "serving_default", "input": "images", "output": "logits", "outputKind": "LOGITS",
 *   "numClasses": 1000, "labels": "labels.txt",
 *   "preprocessing": {"height": 224, "width": 224, "resize": "SHORT_SIDE_CENTER_CROP", "cropFraction": 0.875,
 *                     "interpolation": "BICUBIC", "channelOrder": "RGB",
 *                     "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
 *   "weights": "seeded-random(seed=42)", "parameters": 12289928, "macs": 1300000000,
 *   "extra": {}
 * }
 * }</pre>
 *
 * @param weights   where the weights came from; "seeded-random..." means an untrained network (labels meaningless)
 * @param macs      multiply-accumulates of one image, 0 when unknown
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(int format, String name, String version, String variant, String signature, String input,
                            String output, OutputKind outputKind, int numClasses, String labels,
                            Preprocessing preprocessing, String weights, long parameters, long macs,
                            Map<String, String> extra) {

    public static final String FILE_NAME = "framewise-model.json";
    public static final int CURRENT_FORMAT = 1;
    /** Key in {@code extra}: "bfloat16" makes the model run with oneDNN auto mixed precision by default. */
    public static final String PRECISION_KEY = "precision";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Whether the serving signature's output still needs a softmax. */
    public enum OutputKind { LOGITS, PROBABILITIES }

    /** JSON form of {@link PreprocessSpec}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Preprocessing(int height, int width, PreprocessSpec.Resize resize, double cropFraction,
                                PreprocessSpec.Interpolation interpolation, PreprocessSpec.ChannelOrder channelOrder,
                                float[] mean, float[] std) {
        public static Preprocessing of(PreprocessSpec spec) {
            return new Preprocessing(spec.height(), spec.width(), spec.resize(), spec.cropFraction(), spec.interpolation(),
                    spec.channelOrder(), spec.mean(), spec.std());
        }

        public PreprocessSpec toSpec() {
            return new PreprocessSpec(height, width, resize, cropFraction, interpolation, channelOrder, mean, std);
        }
    }

    public ModelMetadata {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public PreprocessSpec preprocessSpec() {
        return preprocessing.toSpec();
    }

    /** True when the weights are not trained, so that every consumer can say so next to the labels. */
    public boolean untrained() {
        return weights != null && weights.startsWith("seeded-random");
    }

    public static ModelMetadata read(Path modelDir) throws IOException {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException(modelDir, "no " + FILE_NAME + " in it",
                    "point it at a model directory, or export one into a new directory: "
                            + "'framewise model export --variant efficientformer_l1 --out models/l1'");
        }
        ModelMetadata m;
        try {
            m = JSON.readValue(file.toFile(), ModelMetadata.class);
        } catch (IOException e) {
            throw new InvalidModelException(modelDir, FILE_NAME + " is not valid: " + e.getMessage().lines().findFirst().orElse(""),
                    "fix or re-export the model directory");
        }
        m.validate(modelDir);
        return m;
    }

    public void write(Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        JSON.writeValue(modelDir.resolve(FILE_NAME).toFile(), this);
    }

    private void validate(Path modelDir) {
        if (format != CURRENT_FORMAT) {
            throw new InvalidModelException(modelDir, FILE_NAME + " has format " + format + ", this version reads "
                    + CURRENT_FORMAT, "re-export the model with this version of framewise");
        }
        for (var field : new String[][] {{"name", name}, {"signature", signature}, {"input", input}, {"output", output},
                {"labels", labels}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new InvalidModelException(modelDir, FILE_NAME + " lacks '" + field[0] + "'", "re-export the model");
            }
        }
        if (outputKind == null || preprocessing == null || numClasses <= 0) {
            throw new InvalidModelException(modelDir, FILE_NAME + " lacks outputKind, preprocessing or numClasses",
                    "re-export the model");
        }
        try {
            preprocessing.toSpec();
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(modelDir, FILE_NAME + " has invalid preprocessing: " + e.getMessage(),
                    "fix the preprocessing section");
        }
    }
}
