package io.framewise.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.framewise.app.Topics;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.ImageSource;
import io.framewise.decoder.source.ImageSources;
import io.framewise.schema.Codec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "publish", mixinStandardHelpOptions = true, header = "Publish camera frames to Kafka.",
        description = "Publish camera frames to Kafka: from a video file, a directory of images, a webcam (/dev/video0), a network stream (rtsp://...), or the built-in synthetic scene ('synthetic'). Frames get per-camera sequence numbers from --start-sequence and their capture time.")
final class PublishCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", description = "Topic to publish to (default: framewise.input.topic).")
    String topic;

    @Option(names = "--camera", required = true, paramLabel = "ID", description = "Camera id: the record key.")
    String camera;

    @Option(names = "--source", required = true, paramLabel = "SRC",
            description = "Video file, image directory, image file, /dev/videoN, stream URL, or 'synthetic'.")
    String source;

    @Option(names = "--fps", defaultValue = "0",
            description = "Pace at this many frames per second in real time; 0 (default) publishes as fast as possible.")
    double fps;

    /** The encodings publish can produce. */
    enum ImageCodec {
        JPEG(Codec.JPEG), PNG(Codec.PNG);

        final Codec codec;

        ImageCodec(Codec codec) {
            this.codec = codec;
        }
    }

    @Option(names = "--codec", defaultValue = "jpeg",
            description = "Encoding of the published frames: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ImageCodec codec;

    @Option(names = "--quality", defaultValue = "90", description = "JPEG quality 1-100 (default ${DEFAULT-VALUE}).")
    int quality;

    @Option(names = "--frames", defaultValue = "-1", description = "Publish at most this many frames (default: all).")
    long frames;

    @Option(names = "--start-sequence", defaultValue = "0", description = "Sequence number of the first frame (default ${DEFAULT-VALUE}).")
    long startSequence;

    @Option(names = "--size", defaultValue = "640x480", converter = FrameSize.Converter.class, description = "Size of the synthetic scene (default ${DEFAULT-VALUE}).")
    FrameSize size;

    @Option(names = "--attribute", paramLabel = "KEY=VALUE", description = "Attribute stamped on every frame (repeatable).")
    Map<String, String> attributes = new LinkedHashMap<>();

    @Option(names = "--passthrough",
            description = "Send image files' bytes unchanged, without decoding or re-encoding (codec from the file extension). "
                    + "Cameras that already produce JPEGs work this way; it also lets you inject a damaged file.")
    boolean passthrough;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = kafka.settings();
        String target = topic != null ? topic : new FramewiseConfig(FramewiseConfig.ownSettings(settings)).inputTopic();
        Codec encoding = codec.codec;
        FrameSize wh = size;
        FramewiseConfig own = new FramewiseConfig(FramewiseConfig.ownSettings(settings));
        try {
            if (!Topics.exists(FramewiseConfig.clientSettings(settings), target, own.startupTimeoutMs())) {
                throw new CliException("topic '" + target + "' does not exist on " + settings.get("bootstrap.servers"),
                        "start 'framewise run' first (it creates its topics), or create the topic");
            }
        } catch (Topics.BrokerUnavailableException e) {
            throw new CliException(e.getMessage(), "check --bootstrap-servers and the client security settings");
        }
        try (FramePublisher publisher = new FramePublisher(FramewiseConfig.clientSettings(settings), target, Clock.systemUTC())) {
            ProgressLine progress = new ProgressLine(camera);
            long sent;
            if (passthrough) {
                sent = publishFiles(publisher, progress);
            } else {
                try (ImageSource images = ImageSources.open(source, 0, camera, wh.width(), wh.height(), frames)) {
                    output.err().println("publishing " + images.describe() + " as camera " + camera + " to " + target
                            + (fps > 0 ? " at " + fps + " fps" : " as fast as possible"));
                    sent = publisher.publish(camera, images, new ImageEncoder(encoding, quality), fps, startSequence,
                            attributes, progress);
                }
            }
            publisher.flush();
            progress.finish();
            output.err().printf(Locale.ROOT, "published %d of %d frames to %s (%d failed, %.1f MB)%n", publisher.acked(), sent,
                    target, publisher.failed(), publisher.bytes() / 1e6);
            if (publisher.failed() > 0) {
                output.err().println("first failure: " + publisher.firstError());
                return FramewiseCli.EXIT_FAILURE;
            }
        }
        return 0;
    }

    private long publishFiles(FramePublisher publisher, ProgressLine progress) throws Exception {
        Path path = Path.of(source);
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> listing = Files.list(path)) {
                listing.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } else if (Files.isRegularFile(path)) {
            files.add(path);
        } else {
            throw new CliException("--passthrough needs an image file or directory, got " + source, "point --source at files");
        }
        long sequence = startSequence;
        for (Path file : files) {
            if (frames >= 0 && sequence - startSequence >= frames) {
                break;
            }
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            Codec c = name.endsWith(".png") ? Codec.PNG : name.endsWith(".jpg") || name.endsWith(".jpeg") ? Codec.JPEG : Codec.UNKNOWN;
            publisher.sendFrame(camera, sequence, c, bytes, 0, 0, attributes);
            progress.framePublished(camera, sequence, bytes.length);
            sequence++;
        }
        return sequence - startSequence;
    }

    /** One progress line on stderr, rewritten at most twice a second. */
    static final class ProgressLine implements FramePublisher.Progress {
        private final String camera;
        private final long start = System.nanoTime();
        private long frames;
        private long bytes;
        private long lastPrint;

        ProgressLine(String camera) {
            this.camera = camera;
        }

        @Override
        public synchronized void framePublished(String cameraId, long sequence, int size) {
            frames++;
            bytes += size;
            long now = System.nanoTime();
            if (now - lastPrint > 500_000_000L) {
                lastPrint = now;
                print();
            }
        }

        private void print() {
            double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            System.err.printf(Locale.ROOT, "\r%s: %d frames, %.1f fps, %.1f MB", camera, frames, frames / seconds, bytes / 1e6);
            System.err.flush();
        }

        synchronized void finish() {
            print();
            System.err.println();
        }
    }

}
