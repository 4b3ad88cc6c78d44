package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Path;

import io.framewise.app.tools.bench.PipelineSetup;
import io.framewise.app.tools.bench.SyntheticCameras;
import io.framewise.schema.Codec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of the benchmarks that run the whole pipeline: the cameras, the cluster and the instance's settings. */
@Command // picocli takes a class as a mixin only if it carries a picocli annotation
final class BenchLoadOptions {
    @Option(names = "--cameras", defaultValue = "16", description = "Synthetic cameras (default ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--size", defaultValue = "640x480", converter = FrameSize.Converter.class,
            description = "Frame size (default ${DEFAULT-VALUE}).")
    FrameSize size;

    /** What the synthetic cameras send. */
    enum CameraCodec { JPEG, H264 }

    @Option(names = "--codec", defaultValue = "jpeg",
            description = "What the cameras send: jpeg (q85 per frame) or h264 (OpenH264, a keyframe every 25 access units) "
                    + "(default ${DEFAULT-VALUE}).")
    CameraCodec codec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Use this cluster instead of an embedded broker.")
    String bootstrapServers;

    @Mixin
    SettingsOptions settings;

    PipelineSetup setup(Path model, int intraOpThreads) throws IOException {
        if (cameras < 1) {
            throw new CliException("--cameras must be at least 1", "pass --cameras 1 or more");
        }
        return new PipelineSetup(model, new SyntheticCameras(cameras, size.width(), size.height(), Codec.valueOf(codec.name())), bootstrapServers,
                intraOpThreads, settings.forOwnInstance());
    }
}
