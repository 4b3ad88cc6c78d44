package io.framewise.app.cli;

import java.util.concurrent.Callable;

import io.framewise.app.tools.bench.PreprocessMeasurement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "preprocess", mixinStandardHelpOptions = true, header = "Measure decoding and preprocessing per frame size.",
        description = "JPEG decoding and preprocessing per frame size (640x480, 1280x720, 1920x1080) on one thread, with "
                + "Pillow's antialiased bicubic (the reference) and OpenCV's approximate INTER_CUBIC.")
final class BenchPreprocessCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Option(names = "--frames", defaultValue = "200", description = "Frames per size after warm-up (default ${DEFAULT-VALUE}).")
    int frames;

    @Mixin
    BenchReportOptions report;

    @Override
    public Integer call() throws Exception {
        if (frames < 1) {
            throw new CliException("--frames must be at least 1", "pass --frames 20 or more for stable percentiles");
        }
        return report.finish(PreprocessMeasurement.report(frames, output.err()), output);
    }
}
