package io.framewise.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.framewise.app.tools.client.EventFormat;
import io.framewise.app.tools.demo.Demo;
import io.framewise.app.tools.demo.DemoOptions;
import io.framewise.app.tools.demo.DemoReport;
import io.framewise.decoder.source.ImageSources;
import io.framewise.inference.efficientformer.ModelCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, header = "Run a broker, the application and cameras in one process.",
        description = "Everything in one process: an embedded Kafka broker, the Framewise streams application, and synthetic cameras (or your video) publishing frames; prints the classification events as they arrive and a summary. With --frames it exits 0 once every published frame is accounted for.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "-1", description = "Frames to publish in all (default: until interrupted).")
    long frames;

    @Option(names = "--cameras", defaultValue = "3", description = "Number of cameras (default ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--source", defaultValue = ImageSources.SYNTHETIC, paramLabel = "PATH",
            description = "What every camera films: 'synthetic' (default), a video file, an image directory, or a stream URL.")
    String source;

    @Option(names = "--json", description = "Print events as JSON lines instead of a table.")
    boolean json;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory (default: EfficientFormer-L1, exported on first use into the cache).")
    Path model;

    @Option(names = "--weights", paramLabel = "FILE.safetensors",
            description = "ImageNet weights of EfficientFormer-L1 for the default model (default: $FRAMEWISE_CACHE/weights/efficientformer_l1.safetensors if present, else seeded random weights).")
    Path weights;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names for --weights (default: imagenet-1k-labels.txt beside the weights).")
    Path labels;

    @Option(names = "--fps", description = "Frames per second per camera; 0 for as fast as possible (default: what this "
            + "machine carries, from what the model's warm-up measured: a quarter of its estimated capacity, at most 10 per camera).")
    Double fps;

    @Option(names = "--size", defaultValue = "640x480", converter = FrameSize.Converter.class, description = "Size of the synthetic scene (default ${DEFAULT-VALUE}).")
    FrameSize size;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the broker and Streams keep data (default: a temporary directory).")
    Path dataDir;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--timeout", defaultValue = "180",
            description = "Seconds to wait for the last events after publishing ends (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    Output output;

    @Override
    public Integer call() throws Exception {
        if (cameras < 1) {
            throw new CliException("--cameras must be at least 1", "pass --cameras 1 or more");
        }
        FrameSize wh = size;
        CountDownLatch stop = Signals.terminationLatch();
        Path modelDir = model != null ? model : ModelCache.demoModel(weights, labels);
        PrintWriter out = output.out();
        if (fps != null && fps < 0) {
            throw new CliException("--fps must be 0 or more", "pass --fps 0 for as fast as possible, or leave it out");
        }
        DemoOptions options = new DemoOptions(frames, cameras, source, wh.width(), wh.height(),
                fps == null ? DemoOptions.AUTO_FPS : fps, modelDir, dataDir,
                settings.forOwnInstance(),
                Duration.ofSeconds(timeoutSeconds));
        // the table's header comes with its first row, after the start-up lines of the broker and the application
        boolean[] headed = {json};
        DemoReport report = new Demo(options, output.err()).run(stop, o -> {
            if (!headed[0]) {
                out.println(EventFormat.header());
                headed[0] = true;
            }
            out.println(EventFormat.format(o, json));
            out.flush();
        });
        out.println();
        out.println(report.summary());
        out.flush();
        return report.complete() ? 0 : FramewiseCli.EXIT_FAILURE;
    }
}
