package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.inference.InferenceOptions;

/**
 * What the pipeline benchmarks (pipeline, overload, soak, sweep) share: the model, the cameras offering load, the
 * cluster (null: an embedded broker), TensorFlow's intra-op threads and the user's settings.
 */
public record PipelineSetup(Path model, SyntheticCameras cameras, String bootstrapServers, int intraOpThreads,
                            Map<String, String> overrides) {

    public PipelineSetup {
        overrides = Map.copyOf(overrides);
    }

    /** The framewise settings as the instance will have them (its batch size and precision, say). */
    FramewiseConfig config() {
        Map<String, Object> own = new LinkedHashMap<>(FramewiseConfig.ownSettings(overrides));
        own.putIfAbsent(FramewiseConfig.INTRA_OP_THREADS_CONFIG, String.valueOf(intraOpThreads)); // --threads, as settings() gives it
        return new FramewiseConfig(own);
    }

    /**
     * The settings of a benchmark's instance: its own application id, state directory and topics (16 partitions), the
     * budget, the TensorFlow threads, then the user's settings, which win. Stream threads are framewise's default, as a
     * user's instance has them (the benchmark once ran 16: their wake-ups took a tenth of a core from the model).
     */
    Map<String, Object> settings(String name, BenchCluster cluster, long budgetMs) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", cluster.bootstrapServers());
        String run = name + "-" + System.currentTimeMillis();
        settings.put("application.id", "framewise-bench-" + run);
        settings.put("state.dir", cluster.data().resolve("streams-" + run).toString());
        settings.put(FramewiseConfig.INPUT_TOPIC_CONFIG, "bench-frames-" + run);
        settings.put(FramewiseConfig.OUTPUT_TOPIC_CONFIG, "bench-events-" + run);
        settings.put(FramewiseConfig.DEAD_LETTER_TOPIC_CONFIG, "bench-dlq-" + run);
        settings.put(FramewiseConfig.TOPIC_PARTITIONS_CONFIG, "16");
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, String.valueOf(budgetMs));
        settings.put(FramewiseConfig.INTRA_OP_THREADS_CONFIG, String.valueOf(intraOpThreads));
        settings.putAll(overrides);
        return settings;
    }

    /**
     * The model alone, in this process and at the instance's precision, at batch sizes 1, 2, 4, ... up to the
     * instance's largest batch: the reference a pipeline's throughput is compared with in the same run (the
     * machine is shared; a figure from another run moves by 20%).
     */
    ModelMeasurement.Result modelOnly(PrintWriter log) throws Exception {
        FramewiseConfig c = config();
        int maxBatch = c.maxBatchSize();
        List<Integer> sizes = new ArrayList<>();
        for (int b = 1; b <= maxBatch; b *= 2) {
            sizes.add(b);
        }
        if (sizes.get(sizes.size() - 1) != maxBatch) {
            sizes.add(maxBatch);
        }
        log.println("framewise bench: model-only throughput first (same model, same process), batch sizes " + sizes);
        log.println("framewise bench: TensorFlow threads as the instance sets them: " + c.inferenceInstances()
                + " batch(es) side by side, intra-op " + c.effectiveIntraOpThreads() + ", inter-op "
                + (c.effectiveInterOpThreads() == InferenceOptions.CALLER_THREAD ? "none (each batch on its caller's thread)"
                        : c.effectiveInterOpThreads()) + " (0: TensorFlow's choice)");
        return new ModelMeasurement(model, sizes, List.of(c.precision()), 2, c.effectiveIntraOpThreads(),
                c.effectiveInterOpThreads(), c.inferenceInstances())
                .run(new ProgressBar(log, "model only", sizes.size() + 1));
    }

    /** The configuration part of a JSON report. */
    void describe(ObjectNode report, double seconds) {
        ObjectNode config = report.putObject("config");
        config.put("model", model.toString());
        config.put("cameras", cameras.count());
        config.put("width", cameras.width());
        config.put("height", cameras.height());
        config.put("seconds", seconds);
        config.put("intraOpThreads", intraOpThreads);
        config.putPOJO("settings", overrides);
    }
}
