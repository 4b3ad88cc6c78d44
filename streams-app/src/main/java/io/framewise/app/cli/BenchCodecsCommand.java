package io.framewise.app.cli;

import java.util.concurrent.Callable;

import io.framewise.app.tools.bench.CodecMeasurement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "codecs", mixinStandardHelpOptions = true, header = "Measure bytes and decoding per frame for JPEG and each video codec.",
        description = "Bytes per frame (keyframes and others apart) and decode + preprocess time per frame for JPEG q85, "
                + "H.264 (OpenH264 at a fixed bitrate; libx264 by CRF) and H.265 (libx265 by CRF) at 640x480, 1280x720 and "
                + "1920x1080, on the same moving synthetic footage, one thread. The libx264/libx265 rows need Debian's ffmpeg.")
final class BenchCodecsCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Option(names = "--passes", defaultValue = "5", description = "Times the footage is decoded after warm-up (default ${DEFAULT-VALUE}).")
    int passes;

    @Mixin
    BenchReportOptions report;

    @Override
    public Integer call() throws Exception {
        if (passes < 1) {
            throw new CliException("--passes must be at least 1", "pass --passes 5 or more for stable means");
        }
        return report.finish(CodecMeasurement.report(passes, output.err()), output);
    }
}
