package io.framewise.app.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.ImageDecoder;
import io.framewise.decoder.Preprocessor;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.Npy;
import io.framewise.inference.PostProcessor;
import io.framewise.inference.Prediction;
import io.framewise.schema.Codec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true, header = "Classify an image file with a model directory.",
        description = "Classify an image file (decoded and preprocessed as the pipeline does) or a float32 NHWC batch (.npy).")
final class ModelPredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Output output;

    @Parameters(paramLabel = "DIR", description = "Model directory.")
    Path dir;

    static final class Input {
        @Option(names = "--image", paramLabel = "FILE", description = "A JPEG or PNG image.")
        Path image;

        @Option(names = "--tensor", paramLabel = "FILE.npy", description = "A float32 [N, H, W, 3] batch, already preprocessed.")
        Path tensor;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--top", defaultValue = "5", description = "How many classes to print per image (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Print JSON with the full logits.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        // before the model loads (seconds): a mistyped path is said at once
        Path file = input.image != null ? input.image : input.tensor;
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CliException("cannot read " + file + ": " + (Files.exists(file) ? "not a readable file" : "no such file"),
                    input.image != null ? "give the path of a JPEG or PNG image" : "give the path of a float32 .npy batch");
        }
        try (FrameClassifier classifier = FrameClassifier.load(dir, InferenceOptions.defaults())) {
            FloatBuffer batch;
            int n;
            int floats = classifier.preprocessSpec().floatsPerImage();
            if (input.image != null) {
                batch = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
                try (DecodedImage image = new ImageDecoder(100_000_000L).decode(Codec.UNKNOWN,
                        ByteBuffer.wrap(Files.readAllBytes(input.image)), null, null)) {
                    new Preprocessor(classifier.preprocessSpec()).preprocess(image, batch);
                }
                n = 1;
            } else {
                Npy.Array array = Npy.readFloat32(input.tensor);
                long[] s = array.shape();
                var spec = classifier.preprocessSpec();
                if (s.length != 4 || s[1] != spec.height() || s[2] != spec.width() || s[3] != 3) {
                    throw new CliException(input.tensor + " has shape " + Arrays.toString(s), "the model takes [N, "
                            + spec.height() + ", " + spec.width() + ", 3] float32 (NHWC)");
                }
                batch = array.values();
                n = (int) s[0];
            }
            float[][] outputs = classifier.run(batch, n); // once: the probabilities are computed from these
            PostProcessor post = PostProcessor.of(classifier.metadata(), classifier.labels());
            print(classifier, post, outputs, post.probabilities(outputs));
        }
        return 0;
    }

    private void print(FrameClassifier classifier, PostProcessor post, float[][] outputs, float[][] probabilities) {
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < outputs.length; i++) {
            List<Prediction> best = post.top(probabilities[i], top);
            if (json) {
                ObjectNode o = mapper.createObjectNode();
                o.put("index", i);
                ArrayNode topNode = o.putArray("top");
                best.forEach(p -> topNode.addObject().put("index", p.index()).put("label", p.label()).put("score", p.score()));
                ArrayNode logits = o.putArray(classifier.metadata().outputKind().name().toLowerCase(Locale.ROOT));
                for (float v : outputs[i]) {
                    logits.add(v);
                }
                output.out().println(o);
            } else {
                output.out().println("image " + i + ":");
                best.forEach(p -> output.out().printf(Locale.ROOT, "  %6.2f%%  %4d  %s%n", 100 * p.score(), p.index(), p.label()));
            }
        }
        if (!json && classifier.metadata().untrained()) {
            output.out().println("note: untrained model (" + classifier.metadata().weights() + "): labels are not meaningful");
        }
    }

}
