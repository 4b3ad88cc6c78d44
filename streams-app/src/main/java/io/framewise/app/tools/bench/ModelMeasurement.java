package io.framewise.app.tools.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import io.framewise.inference.CpuFeatures;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;
import io.framewise.inference.InferenceOptions.Precision;
import io.framewise.inference.TopK;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

/**
 * Model-only throughput and latency per batch size and precision, with a calibration figure from the same run: the
 * GFLOP/s TensorFlow reaches on this machine for large dense matrix products in the same precision, so the model's
 * achieved GFLOP/s (2 x MACs x images/s) can be read as a fraction of what the CPU does at best.
 */
public final class ModelMeasurement {

    /** One configuration's figures. Latency is per batch call. */
    public record Row(String precision, int batch, int calls, double imagesPerSecond, double p50Ms, double p99Ms,
                      double achievedGflops, double calibrationGflops) {
        public double fractionOfCalibration() {
            return achievedGflops / calibrationGflops;
        }
    }

    /** How bfloat16 answers compare with float32 on the same inputs. */
    public record Agreement(int images, int sameTop1, double maxAbsLogitDifference) {
    }

    public record Result(String model, long macs, List<Row> rows, Map<String, Double> calibrationGflops, Agreement bf16Agreement) {

        /** The best images/s of any configuration. */
        public double bestImagesPerSecond() {
            return rows.stream().mapToDouble(Row::imagesPerSecond).max().orElse(0);
        }

        /** The best images/s of a configuration whose p99 batch latency is within {@code ms}. */
        public double bestImagesPerSecondWithin(double ms) {
            return rows.stream().filter(r -> r.p99Ms() <= ms).mapToDouble(Row::imagesPerSecond).max().orElse(0);
        }

        /** The first configuration's median latency (batch 1, when measured). */
        public double firstP50Ms() {
            return rows.get(0).p50Ms();
        }

        /** The table {@code bench model} prints; the other benchmarks print it before their own. */
        public String table() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "model %s, %.3f GMACs per image, CPU %s, %d cores%n", model, macs / 1e9,
                    CpuFeatures.modelName(), Runtime.getRuntime().availableProcessors()));
            calibrationGflops.forEach((p, g) -> s.append(String.format(Locale.ROOT,
                    "calibration (TF dense matmul 1536x1536, %s): %.1f GFLOP/s%n", p, g)));
            s.append(String.format(Locale.ROOT, "%-9s %5s %10s %10s %10s %12s %10s%n", "precision", "batch", "images/s",
                    "p50 ms", "p99 ms", "GFLOP/s", "of calib."));
            for (Row row : rows) {
                s.append(String.format(Locale.ROOT, "%-9s %5d %10.1f %10.2f %10.2f %12.1f %9.0f%%%n", row.precision(),
                        row.batch(), row.imagesPerSecond(), row.p50Ms(), row.p99Ms(), row.achievedGflops(),
                        100 * row.fractionOfCalibration()));
            }
            if (bf16Agreement != null) {
                s.append(String.format(Locale.ROOT, "bfloat16 vs float32 on %d random images: same top-1 for %d, max |dlogit| %.3g%n",
                        bf16Agreement.images(), bf16Agreement.sameTop1(), bf16Agreement.maxAbsLogitDifference()));
            }
            return s.toString();
        }
    }

    private final Path modelDir;
    private final List<Integer> batchSizes;
    private final List<Precision> precisions;
    private final double secondsPerConfig;
    private final int intraOpThreads;
    private final int interOpThreads;
    /** Batches run side by side, each from a caller thread of its own (the pipeline's instances). */
    private final int callers;

    public ModelMeasurement(Path modelDir, List<Integer> batchSizes, List<Precision> precisions, double secondsPerConfig,
                          int intraOpThreads) {
        this(modelDir, batchSizes, precisions, secondsPerConfig, intraOpThreads, 1, 1);
    }

    /**
     * As the pipeline serves the model: TensorFlow's threads as it sets them (the first session of a process fixes
     * them for every later one) and {@code callers} batches side by side, as its instances run them.
     */
    public ModelMeasurement(Path modelDir, List<Integer> batchSizes, List<Precision> precisions, double secondsPerConfig,
                          int intraOpThreads, int interOpThreads, int callers) {
        this.modelDir = modelDir;
        this.batchSizes = batchSizes;
        this.precisions = precisions;
        this.secondsPerConfig = secondsPerConfig;
        this.intraOpThreads = intraOpThreads;
        this.interOpThreads = interOpThreads;
        this.callers = callers;
    }

    public Result run(ProgressBar progress) throws Exception {
        List<Row> rows = new ArrayList<>();
        Map<String, Double> calibration = new LinkedHashMap<>();
        Map<Precision, float[][]> answers = new EnumMap<>(Precision.class);
        String name = null;
        long macs = 0;
        int maxBatch = batchSizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        for (Precision precision : precisions) {
            String label = precision.name().toLowerCase(Locale.ROOT);
            double gflops = calibrate(precision);
            calibration.put(label, gflops);
            progress.step(label + " calibration " + Math.round(gflops) + " GFLOP/s");
            try (FrameClassifier classifier = FrameClassifier.load(modelDir, new InferenceOptions(intraOpThreads, interOpThreads, precision))) {
                name = classifier.metadata().name();
                macs = classifier.metadata().macs();
                FloatBuffer input = randomImages(maxBatch, classifier.preprocessSpec().floatsPerImage());
                answers.put(precision, classifier.run(input, Math.min(16, maxBatch)));
                for (int batch : batchSizes) {
                    rows.add(measure(classifier, input, batch, label, macs, gflops));
                    progress.step(label + " batch " + batch);
                }
            }
        }
        Agreement agreement = null;
        if (answers.containsKey(Precision.FLOAT32) && answers.containsKey(Precision.BFLOAT16)) {
            agreement = agreement(answers.get(Precision.FLOAT32), answers.get(Precision.BFLOAT16));
        }
        return new Result(name, macs, rows, calibration, agreement);
    }

    private Row measure(FrameClassifier classifier, FloatBuffer input, int batch, String precision, long macs,
                        double calibration) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            classifier.run(input, batch); // first runs of a shape compile kernels
        }
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long deadline = start + (long) (secondsPerConfig * 1e9);
        // each caller its own input (TensorFlow reads it while the others run); each runs until the deadline
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            FloatBuffer own = c == 0 ? input : copyOf(input);
            Thread t = new Thread(() -> {
                while (System.nanoTime() < deadline || latencies.size() < 5) {
                    long t0 = System.nanoTime();
                    classifier.run(own, batch);
                    latencies.add((System.nanoTime() - t0) / 1e6);
                }
            }, "model-only-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double imagesPerSecond = latencies.size() * batch / seconds;
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double achieved = 2.0 * macs * imagesPerSecond / 1e9;
        return new Row(precision, batch, sorted.length, imagesPerSecond, Percentiles.nearestRank(sorted, 0.50),
                Percentiles.nearestRank(sorted, 0.99),
                achieved, calibration);
    }

    private static FloatBuffer copyOf(FloatBuffer input) {
        FloatBuffer copy = ByteBuffer.allocateDirect(4 * input.capacity()).order(ByteOrder.nativeOrder()).asFloatBuffer();
        copy.put(input.duplicate().clear()).clear();
        return copy;
    }

    /** GFLOP/s of a 1536 x 1536 matrix product, in the given precision (bfloat16 through the same AMP rewriter). */
    double calibrate(Precision precision) {
        int n = 1536;
        RewriterConfig.Builder rewrites = RewriterConfig.newBuilder();
        if (precision == Precision.BFLOAT16) {
            rewrites.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
        }
        ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(intraOpThreads).setInterOpParallelismThreads(interOpThreads)
                .setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(rewrites)).build();
        try (Graph g = new Graph(); Session s = new Session(g, config)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
            Placeholder<TFloat32> b = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
            // A chain of products keeps the work inside TF (one feed, one small fetch) like the model's.
            var c = tf.linalg.matMul(a, b);
            for (int i = 0; i < 3; i++) {
                c = tf.linalg.matMul(c, b);
            }
            var sum = tf.reduceSum(c, tf.constant(new int[] {0, 1}));
            SplittableRandom r = new SplittableRandom(1);
            float[] values = new float[n * n];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (r.nextDouble() - 0.5) * 0.05f;
            }
            try (TFloat32 ta = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(values));
                 TFloat32 tb = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(values))) {
                for (int i = 0; i < 2; i++) {
                    s.runner().feed(a, ta).feed(b, tb).fetch(sum).run().close();
                }
                int runs = 0;
                long start = System.nanoTime();
                while (System.nanoTime() - start < 1_500_000_000L || runs < 3) {
                    s.runner().feed(a, ta).feed(b, tb).fetch(sum).run().close();
                    runs++;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return runs * 4 * 2.0 * n * n * n / seconds / 1e9;
            }
        }
    }

    private static Agreement agreement(float[][] fp32, float[][] bf16) {
        int same = 0;
        double max = 0;
        for (int i = 0; i < fp32.length; i++) {
            if (TopK.indices(fp32[i], 1)[0] == TopK.indices(bf16[i], 1)[0]) {
                same++;
            }
            for (int j = 0; j < fp32[i].length; j++) {
                max = Math.max(max, Math.abs(fp32[i][j] - bf16[i][j]));
            }
        }
        return new Agreement(fp32.length, same, max);
    }

    static FloatBuffer randomImages(int n, int floatsPerImage) {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * n * floatsPerImage).order(ByteOrder.nativeOrder()).asFloatBuffer();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (float) r.nextGaussian());
        }
        return b;
    }

    static List<Integer> parseBatches(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }
}
