package io.framewise.app.tools.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.inference.InferenceOptions.Precision;

/** {@code bench model}: the model alone, throughput and latency per batch size and precision, with calibration. */
public final class ModelBenchRecipe {
    private ModelBenchRecipe() {
    }

    public static BenchReport run(Path model, List<Integer> batchSizes, List<Precision> precisions, double secondsPerConfig,
                                  int intraOpThreads, PrintWriter log) throws Exception {
        ProgressBar progress = new ProgressBar(log, "bench model", (long) precisions.size() * (batchSizes.size() + 1));
        ModelMeasurement.Result result = new ModelMeasurement(model, batchSizes, precisions, secondsPerConfig, intraOpThreads)
                .run(progress);
        progress.finish();
        ObjectNode root = Machine.report("model");
        ObjectNode config = root.putObject("config");
        config.put("model", model.toString());
        config.putPOJO("batchSizes", batchSizes);
        config.putPOJO("precisions", precisions);
        config.put("secondsPerConfiguration", secondsPerConfig);
        config.put("intraOpThreads", intraOpThreads);
        root.put("modelName", result.model());
        root.put("macsPerImage", result.macs());
        root.putPOJO("calibrationGflops", result.calibrationGflops());
        root.putPOJO("rows", result.rows());
        if (result.bf16Agreement() != null) {
            root.putPOJO("bfloat16Agreement", result.bf16Agreement());
        }
        return new BenchReport.Finished(result.table(), root, true);
    }
}
