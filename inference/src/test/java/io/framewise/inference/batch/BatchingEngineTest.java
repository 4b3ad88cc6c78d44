package io.framewise.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The batching logic with a runner that records what it is given; each image carries a marker value so that a result
 * can be traced back to its image.
 */
class BatchingEngineTest {
    private static final long MS = 1_000_000L;

    /** Records batches; answers each image with [marker, batch size]; fails a batch containing marker -1. */
    static final class RecordingRunner implements BatchRunner {
        final List<List<Float>> batches = new CopyOnWriteArrayList<>();
        final List<Long> callTimes = new CopyOnWriteArrayList<>();
        volatile long sleepMs;

        @Override
        public float[][] run(List<FloatBuffer> images) {
            callTimes.add(System.nanoTime());
            List<Float> markers = new ArrayList<>();
            images.forEach(b -> markers.add(b.get(0)));
            batches.add(markers);
            if (markers.contains(-1f)) {
                throw new IllegalStateException("bad image in batch");
            }
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[][] out = new float[images.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new float[] {markers.get(i), images.size()};
            }
            return out;
        }
    }

    static FloatBuffer image(float marker) {
        FloatBuffer b = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(0, marker);
        return b;
    }

    static long far() {
        return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    }

    @Test
    void imagesWaitingTogetherFormBatchesUpToTheMaximumAndEachGetsItsOwnRow() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        runner.sleepMs = 50;
        // maxWait 0: batches form only from what is already queued when the dispatcher is free.
        try (BatchingEngine engine = new BatchingEngine("t", runner, 4, 0, System::nanoTime)) {
            engine.submit(image(100), far()).get(); // the dispatcher is now idle
            runner.sleepMs = 100;
            CompletableFuture<BatchingEngine.Result> blocker = engine.submit(image(101), far());
            Thread.sleep(20); // the blocker's batch is running; the next 10 queue up behind it
            List<CompletableFuture<BatchingEngine.Result>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(engine.submit(image(i), far()));
            }
            blocker.get();
            for (int i = 0; i < 10; i++) {
                BatchingEngine.Result r = futures.get(i).get(5, TimeUnit.SECONDS);
                assertThat(r.output()[0]).as("image %d gets its own row", i).isEqualTo(i);
                assertThat(r.batchSize()).isEqualTo((int) r.output()[1]);
            }
            List<Integer> sizes = runner.batches.subList(2, runner.batches.size()).stream().map(List::size).toList();
            assertThat(sizes).containsExactly(4, 4, 2);
        }
    }

    @Test
    void aLoneImageWaitsAtMostMaxWait() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        try (BatchingEngine engine = new BatchingEngine("t", runner, 8, 150 * MS, System::nanoTime)) {
            long submitted = System.nanoTime();
            BatchingEngine.Result r = engine.submit(image(1), far()).get(5, TimeUnit.SECONDS);
            long waited = runner.callTimes.get(0) - submitted;
            assertThat(waited).isBetween(140 * MS, 1000 * MS);
            assertThat(r.batchSize()).isEqualTo(1);
            assertThat(r.queueNanos()).isGreaterThanOrEqualTo(140 * MS);
        }
    }

    @Test
    void whereBatchingBuysNoThroughputImagesRunOneByOneWithoutWaitingForOthers() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        runner.sleepMs = 30;
        try (BatchingEngine engine = new BatchingEngine("t", runner, 4, 2_000 * MS, System::nanoTime)) {
            for (int size = 1; size <= 4; size++) {
                engine.estimator().prior(size, (30 + 35L * (size - 1)) * MS); // each image more costs more than the first
            }
            assertThat(engine.estimator().efficientBatch()).isEqualTo(1);
            List<CompletableFuture<BatchingEngine.Result>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(engine.submit(image(i), far()));
            }
            for (CompletableFuture<BatchingEngine.Result> f : futures) {
                BatchingEngine.Result r = f.get(5, TimeUnit.SECONDS);
                assertThat(r.batchSize()).isEqualTo(1);
            }
            assertThat(futures.get(0).get().queueNanos()).as("not held for the 2 s max wait").isLessThan(500 * MS);
            assertThat(runner.batches).hasSize(4);
        }
    }

    @Test
    void aPreferredBatchSizeHoldsImagesUntilItIsFullWhereWarmUpWouldRunThemOneByOne() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        try (BatchingEngine engine = new BatchingEngine("t", runner, 8, 2_000 * MS, System::nanoTime)) {
            for (int size = 1; size <= 8; size++) {
                engine.estimator().prior(size, (30 + 35L * (size - 1)) * MS); // batching buys nothing: measured limit 1
            }
            engine.estimator().prefer(4);
            assertThat(engine.estimator().batchLimit()).isEqualTo(4);
            List<CompletableFuture<BatchingEngine.Result>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                futures.add(engine.submit(image(i), far()));
                Thread.sleep(20); // arriving one by one: each batch has to wait for its others
            }
            for (int i = 0; i < 4; i++) {
                assertThat(futures.get(i).get(5, TimeUnit.SECONDS).batchSize()).as("image %d", i).isEqualTo(4);
            }
            // the last two are never joined by a fourth: they go when the first of them has waited 2 s
            BatchingEngine.Result last = futures.get(5).get(5, TimeUnit.SECONDS);
            assertThat(last.batchSize()).isEqualTo(2);
            assertThat(futures.get(4).get().queueNanos()).isGreaterThanOrEqualTo(1_900 * MS);
            assertThat(runner.batches).hasSize(2);
        }
    }

    @Test
    void anUrgentImageIsDispatchedEarlyEnoughForItsDeadline() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        try (BatchingEngine engine = new BatchingEngine("t", runner, 8, 5_000 * MS, System::nanoTime)) {
            for (int size = 1; size <= 8; size++) {
                engine.estimator().record(size, 50 * MS);
            }
            long submitted = System.nanoTime();
            engine.submit(image(1), submitted + 200 * MS).get(5, TimeUnit.SECONDS);
            long waited = runner.callTimes.get(0) - submitted;
            // latest start = deadline - 50 ms estimate: about 150 ms, far before the 5 s max wait
            assertThat(waited).isBetween(100 * MS, 1000 * MS);
        }
    }

    @Test
    void aFailingBatchIsRetriedImageByImageSoThatOnlyTheBadImageFails() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        try (BatchingEngine engine = new BatchingEngine("t", runner, 2, 300 * MS, System::nanoTime)) {
            CompletableFuture<BatchingEngine.Result> bad = engine.submit(image(-1), far());
            CompletableFuture<BatchingEngine.Result> sameBatch = engine.submit(image(7), far());
            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("bad image in batch");
            BatchingEngine.Result healthy = sameBatch.get(5, TimeUnit.SECONDS);
            assertThat(healthy.output()[0]).isEqualTo(7f);
            assertThat(healthy.batchSize()).isEqualTo(1);
            assertThat(runner.batches).containsExactly(List.of(-1f, 7f), List.of(-1f), List.of(7f));
            assertThat(engine.submit(image(8), far()).get(5, TimeUnit.SECONDS).output()[0]).isEqualTo(8f);
        }
    }

    @Test
    void anImageThatCannotMakeItsDeadlineIsShedWithoutInferenceWhileTheOthersRun() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        runner.sleepMs = 100;
        try (BatchingEngine engine = new BatchingEngine("t", runner, 4, 0, System::nanoTime)) {
            for (int size = 1; size <= 4; size++) {
                engine.estimator().record(size, 100 * MS);
            }
            CompletableFuture<BatchingEngine.Result> blocker = engine.submit(image(100), far());
            Thread.sleep(20); // the blocker runs for 100 ms; the next images wait behind it
            long now = System.nanoTime();
            CompletableFuture<BatchingEngine.Result> doomed = engine.submit(image(1), now + 120 * MS, true);
            CompletableFuture<BatchingEngine.Result> stubborn = engine.submit(image(2), now + 120 * MS, false);
            CompletableFuture<BatchingEngine.Result> timely = engine.submit(image(3), far(), true);
            blocker.get(5, TimeUnit.SECONDS);
            assertThat(doomed.get(5, TimeUnit.SECONDS).shed()).as("starts after 80 ms, takes 100: past its 120 ms").isTrue();
            assertThat(stubborn.get(5, TimeUnit.SECONDS).shed()).as("not sheddable: runs late").isFalse();
            assertThat(timely.get(5, TimeUnit.SECONDS).output()[0]).isEqualTo(3f);
            assertThat(runner.batches).containsExactly(List.of(100f), List.of(2f, 3f));
        }
    }

    @Test
    void noImageSubmittedAroundCloseIsLeftWaiting() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        runner.sleepMs = 1;
        BatchingEngine engine = new BatchingEngine("t", runner, 4, 0, System::nanoTime);
        List<CompletableFuture<BatchingEngine.Result>> futures = new CopyOnWriteArrayList<>();
        CountDownLatch someSubmitted = new CountDownLatch(100);
        // submits until the engine refuses, so that submissions race the close from before it until after it
        Thread submitter = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int i = 0; System.nanoTime() < deadline; i++) {
                CompletableFuture<BatchingEngine.Result> f = engine.submit(image(i), far());
                futures.add(f);
                someSubmitted.countDown();
                if (f.isCompletedExceptionally()) {
                    return;
                }
            }
        });
        submitter.start();
        assertThat(someSubmitted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.close(10_000)).isTrue();
        submitter.join(20_000);
        assertThat(futures).as("the submitter was refused once closed").anyMatch(CompletableFuture::isCompletedExceptionally);
        for (CompletableFuture<BatchingEngine.Result> f : futures) {
            // each one either ran or was refused at once; none waits for a timeout
            assertThat(f).isDone();
            if (f.isCompletedExceptionally()) {
                assertThatThrownBy(f::get).hasMessageContaining("inference engine is closed");
            }
        }
    }

    @Test
    void closeSaysWhenABatchIsStillRunningSoThatTheModelIsNotClosedUnderIt() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        runner.sleepMs = 1_500;
        BatchingEngine engine = new BatchingEngine("t", runner, 2, 0, System::nanoTime);
        CompletableFuture<BatchingEngine.Result> running = engine.submit(image(1), far());
        Thread.sleep(100); // the batch is running
        assertThat(engine.close(100)).as("closed while a batch runs").isFalse();
        assertThat(running.get(5, TimeUnit.SECONDS).output()[0]).as("the running batch still completes").isEqualTo(1f);
        assertThat(engine.close(5_000)).isTrue();
    }

    @Test
    void predictedCompletionGrowsWithTheQueue() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        runner.sleepMs = 300;
        try (BatchingEngine engine = new BatchingEngine("t", runner, 2, 0, System::nanoTime)) {
            for (int size = 1; size <= 2; size++) {
                engine.estimator().record(size, 100 * MS);
            }
            long now = System.nanoTime();
            long idle = engine.predictCompletionNanos(now) - now;
            assertThat(idle).isEqualTo(100 * MS);
            List<CompletableFuture<BatchingEngine.Result>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(engine.submit(image(i), far()));
            }
            Thread.sleep(50);
            now = System.nanoTime();
            long busy = engine.predictCompletionNanos(now) - now;
            assertThat(busy).isGreaterThan(2 * 100 * MS);
            for (var f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void estimatesInterpolateBetweenMeasuredSizes() {
        BatchLatencyEstimator e = new BatchLatencyEstimator(8, () -> 0L);
        assertThat(e.estimate(3)).isZero();
        e.record(1, 10);
        e.record(5, 50);
        assertThat(e.estimate(3)).isEqualTo(30);
        assertThat(e.estimate(8)).isEqualTo(80);
    }

    @Test
    void severalInstancesRunBatchesSideBySideAndEachImageGetsItsOwnRow() throws Exception {
        // a runner that answers only once two batches are inside it at the same time: with one instance it would hang
        CountDownLatch bothInside = new CountDownLatch(2);
        BatchRunner together = images -> {
            bothInside.countDown();
            try {
                if (!bothInside.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other batch never ran beside this one");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[][] out = new float[images.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new float[] {images.get(i).get(0)};
            }
            return out;
        };
        try (BatchingEngine engine = new BatchingEngine("t", together, 1, 0, 2, System::nanoTime)) {
            assertThat(engine.instances()).isEqualTo(2);
            CompletableFuture<BatchingEngine.Result> a = engine.submit(image(7), far());
            CompletableFuture<BatchingEngine.Result> b = engine.submit(image(8), far());
            assertThat(a.get(10, TimeUnit.SECONDS).output()[0]).isEqualTo(7f);
            assertThat(b.get(10, TimeUnit.SECONDS).output()[0]).isEqualTo(8f);
        }
    }

    @Test
    void theForecastOfSeveralInstancesSendsEachBatchToTheLaneThatFreesFirst() {
        BatchLatencyEstimator e = new BatchLatencyEstimator(2, () -> 0L);
        e.record(1, 100);
        e.record(2, 150);
        long at = 1_000;
        // one lane: as the single-engine formula
        assertThat(CompletionForecast.completionNanos(at, 0, new int[] {1}, new long[] {at - 40}, 1, e))
                .isEqualTo(CompletionForecast.completionNanos(at, 0, 1, at - 40, 1, e));
        // two lanes, one free: the image runs at once, alone
        assertThat(CompletionForecast.completionNanos(at, 0, new int[] {1, 0}, new long[] {at - 40, 0}, 1, e))
                .isEqualTo(at + 100);
        // both busy: it waits for the lane that frees first (60 ns left), then runs at the recent batch size (2)
        assertThat(CompletionForecast.completionNanos(at, 0, new int[] {1, 2}, new long[] {at - 40, at - 10}, 2, e))
                .isEqualTo(at + 60 + 150);
        // two full batches queued ahead go one to each lane; the image's own batch follows on the earlier one
        assertThat(CompletionForecast.completionNanos(at, 4, new int[] {0, 0}, new long[] {0, 0}, 1, e))
                .isEqualTo(at + 150 + 100);
    }
}
