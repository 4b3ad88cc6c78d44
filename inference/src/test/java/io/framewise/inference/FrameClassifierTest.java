package io.framewise.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.framewise.inference.tiny.TinyConvNet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameClassifierTest {
    private static final int SIZE = 64;
    @TempDir
    static Path temp;
    static Path model;

    @BeforeAll
    static void exportModel() throws IOException {
        model = temp.resolve("tiny");
        TinyConvNet.export(model, 7, SIZE);
    }

    static FloatBuffer batch(int n, long seed) {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * n * SIZE * SIZE * 3).order(ByteOrder.nativeOrder()).asFloatBuffer();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (float) r.nextGaussian());
        }
        return b;
    }

    @Test
    void exportedDirectoryHoldsSavedModelMetadataAndLabels() throws IOException {
        assertThat(model.resolve("saved_model.pb")).isRegularFile();
        assertThat(Files.readAllLines(model.resolve("labels.txt"))).isEqualTo(TinyConvNet.LABELS);
        ModelMetadata metadata = ModelMetadata.read(model);
        assertThat(metadata.preprocessSpec().height()).isEqualTo(SIZE);
        assertThat(metadata.untrained()).isTrue();
    }

    @Test
    void classifiesABatchWithLabelsFromTheLabelFileAndProbabilitiesSummingToOne() throws IOException {
        try (FrameClassifier classifier = FrameClassifier.load(model, InferenceOptions.defaults())) {
            FloatBuffer images = batch(3, 1);
            PostProcessor post = PostProcessor.of(classifier.metadata(), classifier.labels());
            float[][] p = post.probabilities(classifier.run(images, 3));
            assertThat(p).hasNumberOfRows(3);
            for (float[] row : p) {
                double sum = 0;
                for (float v : row) {
                    assertThat(v).isBetween(0f, 1f);
                    sum += v;
                }
                assertThat(sum).isCloseTo(1.0, within(1e-5));
            }
            List<List<Prediction>> top = Arrays.stream(classifier.run(images, 3)).map(row -> post.predictions(row, 3)).toList();
            assertThat(top.get(0)).hasSize(3);
            assertThat(top.get(0).get(0).score()).isGreaterThanOrEqualTo(top.get(0).get(1).score());
            assertThat(TinyConvNet.LABELS).contains(top.get(0).get(0).label());
            assertThat(top.get(0).get(0).label()).isEqualTo(TinyConvNet.LABELS.get(top.get(0).get(0).index()));
        }
    }

    @Test
    void probabilitiesAreComputedFromLogitsWithoutChangingThem() throws IOException {
        try (FrameClassifier classifier = FrameClassifier.load(model, InferenceOptions.defaults())) {
            float[][] logits = classifier.run(batch(2, 5), 2);
            float[][] copy = {logits[0].clone(), logits[1].clone()};
            PostProcessor post = PostProcessor.of(classifier.metadata(), classifier.labels());
            float[][] p = post.probabilities(logits);
            assertThat(logits).as("the logits a caller prints after asking for probabilities").isDeepEqualTo(copy);
            assertThat(p[0]).isNotEqualTo(logits[0]);
            assertThat(p).isDeepEqualTo(post.probabilities(classifier.run(batch(2, 5), 2)));
        }
    }

    @Test
    void eachImageOfABatchIsClassifiedAsIfAlone() throws IOException {
        try (FrameClassifier classifier = FrameClassifier.load(model, InferenceOptions.defaults())) {
            FloatBuffer two = batch(2, 5);
            float[][] together = classifier.run(two, 2);
            FloatBuffer second = ByteBuffer.allocateDirect(4 * SIZE * SIZE * 3).order(ByteOrder.nativeOrder()).asFloatBuffer();
            second.put(two.duplicate().position(SIZE * SIZE * 3)).flip();
            float[][] alone = classifier.run(second, 1);
            assertThat(together[1]).containsExactly(alone[0], within(1e-5f));
            assertThat(together[0]).isNotEqualTo(together[1]);
        }
    }

    @Test
    void operationsRunOnTheCallersThreadsGiveTheSameAnswersCalledFromSeveralThreadsAtOnce() throws Exception {
        float[][] expected;
        try (FrameClassifier pooled = FrameClassifier.load(model, InferenceOptions.defaults())) {
            expected = pooled.run(batch(4, 9), 4);
        }
        // one engine instance per thread, as the batching engine calls it: the same session from several threads
        try (FrameClassifier inline = FrameClassifier.load(model, new InferenceOptions(1, InferenceOptions.CALLER_THREAD))) {
            ExecutorService callers = Executors.newFixedThreadPool(3);
            try {
                List<Future<float[][]>> answers = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    answers.add(callers.submit(() -> inline.run(batch(4, 9), 4)));
                }
                for (Future<float[][]> answer : answers) {
                    float[][] got = answer.get(60, TimeUnit.SECONDS);
                    for (int row = 0; row < expected.length; row++) {
                        assertThat(got[row]).containsExactly(expected[row], within(1e-5f));
                    }
                }
            } finally {
                callers.shutdownNow();
            }
        }
        assertThatThrownBy(() -> new InferenceOptions(1, -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inter-op -2");
    }

    @Test
    void missingOrBrokenModelDirectoriesFailWithTheFix() throws IOException {
        assertThatThrownBy(() -> FrameClassifier.load(temp.resolve("nope"), InferenceOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("does not exist").hasMessageContaining("Fix:");
        Path empty = Files.createDirectories(temp.resolve("empty"));
        assertThatThrownBy(() -> FrameClassifier.load(empty, InferenceOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining(ModelMetadata.FILE_NAME);
        Path wrongLabels = temp.resolve("wrong-labels");
        TinyConvNet.export(wrongLabels, 1, SIZE);
        Files.write(wrongLabels.resolve("labels.txt"), List.of("a", "b"));
        assertThatThrownBy(() -> FrameClassifier.load(wrongLabels, InferenceOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("2 lines but the model has 10 classes");
    }

    @Test
    void topKOrdersByScoreAndKeepsLowerIndexOnTies() {
        assertThat(TopK.indices(new float[] {0.1f, 0.5f, 0.5f, 0.9f, 0.0f}, 3)).containsExactly(3, 1, 2);
        assertThat(TopK.indices(new float[] {0.2f}, 1)).containsExactly(0);
    }
}
