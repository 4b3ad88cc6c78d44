package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.framewise.inference.tiny.TinyConvNet;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke runs of every bench mode with the tiny model for a few seconds: the reports' structure and internal
 * consistency, not speed (performance figures belong to real runs on real machines).
 */
class BenchIT {
    @TempDir
    static Path temp;
    static Path model;

    @BeforeAll
    static void model() throws IOException {
        model = temp.resolve("tiny");
        TinyConvNet.export(model, 5, 224);
    }

    @Test
    void benchModelReportsEveryBatchSizeWithACalibration() throws Exception {
        Path json = temp.resolve("model.json");
        var run = CommandLineIT.framewise("bench", "model", "--model", model.toString(), "--batch-sizes", "1,2",
                "--precision", "float32", "--seconds", "0.3", "--json", json.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("calibration").contains("images/s");
        assertThat(run.err()).contains("bench model [");
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.get("machine").get("cores").asInt()).isPositive();
        assertThat(r.get("machine").get("cpu").asText()).isNotBlank();
        assertThat(r.get("calibrationGflops").get("float32").asDouble()).isPositive();
        JsonNode rows = r.get("rows");
        assertThat(rows).hasSize(2);
        for (JsonNode row : rows) {
            assertThat(row.get("imagesPerSecond").asDouble()).isPositive();
            assertThat(row.get("p99Ms").asDouble()).isGreaterThanOrEqualTo(row.get("p50Ms").asDouble());
            double achieved = 2.0 * r.get("macsPerImage").asLong() * row.get("imagesPerSecond").asDouble() / 1e9;
            assertThat(row.get("achievedGflops").asDouble()).isCloseTo(achieved, Percentage.withPercentage(0.1));
        }
    }

    @Test
    void benchPipelineAccountsForEveryFrameAndPlots() throws Exception {
        Path json = temp.resolve("pipeline.json");
        Path png = temp.resolve("pipeline.png");
        var run = CommandLineIT.framewise("bench", "pipeline", "--model", model.toString(), "--cameras", "2",
                "--size", "320x240", "--seconds", "3", "--rate", "40", "--json", json.toString(), "--plot", png.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(png).isRegularFile();
        assertThat(Files.size(png)).isGreaterThan(1000);
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        JsonNode p = r.get("pipeline");
        assertThat(p.get("complete").asBoolean()).isTrue();
        long events = 0;
        for (JsonNode count : p.get("eventsByStatus")) {
            events += count.asLong();
        }
        assertThat(events + p.get("deadLettered").asLong()).isEqualTo(p.get("published").asLong()).isPositive();
        assertThat(p.get("endToEndMs").get("p99").asDouble()).isGreaterThanOrEqualTo(p.get("endToEndMs").get("p50").asDouble());
        assertThat(p.get("stagesMs").get("inference").get("mean").asDouble()).isPositive();
        assertThat(r.get(r.has("pipelineToModelRatio") ? "pipelineToModelRatio" : "closedLoopToModelRatio").asDouble()).isPositive();
        assertThat(r.get("modelOnlyImagesPerSecond").asDouble()).isPositive();
    }

    @Test
    void benchOverloadOffersAMultipleOfTheModelOnlyThroughput() throws Exception {
        Path json = temp.resolve("overload.json");
        var run = CommandLineIT.framewise("bench", "overload", "--model", model.toString(), "--cameras", "2",
                "--size", "320x240", "--seconds", "3", "--multiple", "2", "--json", json.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("verdict:");
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.get("offeredFramesPerSecond").asDouble())
                .isCloseTo(2 * r.get("modelOnlyImagesPerSecond").asDouble(), Percentage.withPercentage(0.1));
        assertThat(r.get("overload").get("complete").asBoolean()).isTrue();
        assertThat(r.has("lagBounded")).isTrue();
        assertThat(r.has("p99WithinBudget")).isTrue();
    }

    @Test
    void benchSweepOffersFixedLoadsOnOneInstanceAndMatchesEveryFrame() throws Exception {
        Path json = temp.resolve("sweep.json");
        Path png = temp.resolve("sweep.png");
        var run = CommandLineIT.framewise("bench", "sweep", "--model", model.toString(), "--cameras", "2",
                "--size", "320x240", "--seconds", "3", "--warmup-seconds", "1", "--cold-seconds", "2", "--jit-seconds", "2",
                "--multiples", "0.25,2", "--set", "framewise.inference.max.batch.size=4", "--json", json.toString(),
                "--plot", png.toString(), "--neighbour-cores", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("cold").contains("0.25x").contains("2.00x").contains("where the time")
                .contains("every published frame matched to exactly one event or dead letter")
                .contains("beside a noisy neighbour taking 1 core(s)").contains("0.25x+n").contains("2.00x+n");
        assertThat(png).isRegularFile();
        JsonNode report = new ObjectMapper().readTree(json.toFile()).get("report");
        JsonNode points = report.get("points");
        assertThat(points).hasSize(2);
        for (JsonNode p : points) {
            assertThat(p.get("missing").asLong()).isZero();
            assertThat(p.get("duplicates").asLong()).isZero();
            assertThat(p.get("series")).isNotEmpty();
            assertThat(p.get("point").get("offeredFps").asDouble())
                    .isCloseTo(p.get("point").get("multiple").asDouble() * report.get("modelBestFps").asDouble(),
                            Percentage.withPercentage(0.1));
        }
        assertThat(report.get("cold").get("published").asLong()).isPositive();
        // the JIT's phase at the highest load, between the cold phase and the points, accounted for as they are
        assertThat(run.out()).contains("the JIT's warm-up at the highest load").contains("where the CPU goes");
        JsonNode jit = report.get("jit");
        assertThat(jit.get("point").get("multiple").asDouble()).isEqualTo(2.0);
        assertThat(jit.get("published").asLong()).isPositive();
        assertThat(jit.get("missing").asLong()).isZero();
        assertThat(jit.get("duplicates").asLong()).isZero();
        // the same points again, in the same run, beside the neighbour: every frame accounted for there too
        JsonNode beside = new ObjectMapper().readTree(json.toFile()).get("besideNeighbour").get("points");
        assertThat(beside).hasSize(2);
        for (JsonNode p : beside) {
            assertThat(p.get("point").get("neighbour").asBoolean()).isTrue();
            assertThat(p.get("published").asLong()).isPositive();
            assertThat(p.get("missing").asLong()).isZero();
            assertThat(p.get("duplicates").asLong()).isZero();
        }
    }

    @Test
    void aNeighbourOfMoreCoresThanTheMachineHasIsRefusedBeforeAnythingStarts() throws Exception {
        var run = CommandLineIT.framewise("bench", "sweep", "--model", model.toString(), "--neighbour-cores", "100000");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("100000 neighbour cores").contains("--neighbour-cores from 0 to the");
    }

    @Test
    void benchPreprocessReportsDecodeAndBothResizesPerFrameSize() throws Exception {
        var run = CommandLineIT.framewise("bench", "preprocess", "--frames", "25");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("640x480").contains("1280x720").contains("1920x1080").contains("Pillow bicubic");
    }
}
