package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.app.testing.TestFrames;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.Npy;
import io.framewise.inference.efficientformer.ReferenceGoldens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** framewise model export | info | predict | verify, as a user runs them. */
class ModelCommandsTest {
    @TempDir
    static Path temp;
    static Path model;

    @BeforeAll
    static void export() {
        model = temp.resolve("s0");
        var run = CommandLineIT.framewise("model", "export", "--variant", "v2-s0", "--seed", "3", "--out", model.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("exported efficientformerv2_s0").contains("3,600,256 parameters").contains("0.41 GMACs");
    }

    @Test
    void infoDescribesTheModel() {
        var run = CommandLineIT.framewise("model", "info", model.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("efficientformerv2_s0").contains("3,600,256").contains("serving_default: images -> logits [N, 1000]")
                .contains("untrained").contains("MB on disk")
                .contains("crop        0.875: no evaluation belongs to these weights");
    }

    @Test
    void predictClassifiesAnImageAndABatchTensor() throws Exception {
        Path image = temp.resolve("street.jpg");
        Files.write(image, TestFrames.jpeg(640, 480, 1, 3));
        var run = CommandLineIT.framewise("model", "predict", model.toString(), "--image", image.toString(), "--top", "3");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().filter(l -> l.matches("\\s+\\d+\\.\\d+%\\s+\\d+\\s+class \\d+"))).hasSize(3);

        Path npy = temp.resolve("batch.npy");
        float[] values = new float[2 * 224 * 224 * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i * 0.01);
        }
        Npy.writeFloat32(npy, new long[] {2, 224, 224, 3}, values);
        var json = CommandLineIT.framewise("model", "predict", model.toString(), "--tensor", npy.toString(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        List<String> lines = json.out().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).split(",\\s*").length).isGreaterThan(1000); // all 1000 logits are printed
    }

    @Test
    void verifyNeedsNoOptionBecauseTheReferenceIsBundled() {
        var run = CommandLineIT.framewise("model", "verify", "--variant", "v2-s0");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("reference: bundled")
                .containsPattern("efficientformerv2_s0\\s+max \\|dlogit\\| \\d\\.\\d+e-0[5-9]").contains("OK");
    }

    @Test
    void verifyAgainstOtherDataFailsWhenTheLogitsDiffer() throws Exception {
        // the bundled goldens with one logit moved by 0.01: a real deviation the check must catch
        var mapper = new ObjectMapper();
        var root = (ObjectNode) mapper.readTree(
                getClass().getResourceAsStream(ReferenceGoldens.RESOURCE));
        var logits = (ArrayNode) root.get("efficientformerv2_s0").get("logits");
        logits.set(7, logits.get(7).asDouble() + 0.01);
        Path dir = Files.createDirectories(temp.resolve("other-reference"));
        mapper.writeValue(dir.resolve("golden-logits.json").toFile(), root);

        var run = CommandLineIT.framewise("model", "verify", "--variant", "v2-s0", "--reference", dir.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(FramewiseCli.EXIT_FAILURE);
        assertThat(run.out()).contains("reference: " + dir.resolve("golden-logits.json")).contains("FAILED");

        var missing = CommandLineIT.framewise("model", "verify", "--variant", "v2-s0", "--reference", temp.resolve("nowhere").toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("no golden-logits.json at").contains("fix:");
    }

    @Test
    void mistakesGetOneLineWithTheFix() throws Exception {
        var unknown = CommandLineIT.framewise("model", "export", "--variant", "l5", "--out", temp.resolve("x").toString());
        assertThat(unknown.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(unknown.err()).contains("unknown EfficientFormer variant 'l5'").contains("fix:");

        Path weights = temp.resolve("empty.safetensors");
        Files.write(weights, new byte[16]);
        var noLabels = CommandLineIT.framewise("model", "export", "--variant", "l1", "--weights", weights.toString(),
                "--out", temp.resolve("y").toString());
        assertThat(noLabels.exitCode()).isNotZero();
        assertThat(noLabels.err()).doesNotContain("\tat ");
    }

    @Test
    void aMissingInputFileIsOneLineWithExitStatusTwoBeforeTheModelLoads() {
        // it said only "error: /nonexistent.jpg", with exit status 1
        Path nowhere = temp.resolve("nonexistent.jpg");
        var image = CommandLineIT.framewise("model", "predict", model.toString(), "--image", nowhere.toString());
        assertThat(image.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(image.err()).startsWith("framewise model predict: error: cannot read " + nowhere + ": no such file")
                .contains("fix: give the path of a JPEG or PNG image").doesNotContain("\tat ");

        var tensor = CommandLineIT.framewise("model", "predict", model.toString(), "--tensor", temp.toString());
        assertThat(tensor.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(tensor.err()).contains("cannot read " + temp + ": not a readable file");
    }

    @Test
    void exportNeverReplacesWhatIsNotAModelAndReplacesAModelOnlyWithForce() throws Exception {
        // it replaced whatever was at --out: a file became a directory, a directory of other files was wiped
        Path mine = Files.createDirectories(temp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "mine");
        var refused = CommandLineIT.framewise("model", "export", "--variant", "l1", "--out", mine.toString(), "--force");
        assertThat(refused.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(refused.err()).contains("holds no Framewise model").contains("fix: choose a new or empty directory for --out");
        assertThat(mine.resolve("notes.txt")).hasContent("mine");

        var again = CommandLineIT.framewise("model", "export", "--variant", "v2-s0", "--seed", "4", "--out", model.toString());
        assertThat(again.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(again.err()).contains("already holds a Framewise model").contains("pass --force to replace that model");

        Path copy = temp.resolve("s0-copy");
        assertThat(CommandLineIT.framewise("model", "export", "--variant", "v2-s0", "--seed", "4", "--out", copy.toString())
                .exitCode()).isZero();
        var forced = CommandLineIT.framewise("model", "export", "--variant", "v2-s0", "--seed", "5", "--out", copy.toString(),
                "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(Files.readString(copy.resolve(ModelMetadata.FILE_NAME))).contains("seed-5");
    }
}
