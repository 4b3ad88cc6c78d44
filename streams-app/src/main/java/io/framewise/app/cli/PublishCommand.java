package io.framewise.app.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.framewise.app.Topics;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.Printable;
import io.framewise.app.tools.client.AccessUnitPublishing;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.PublishJob;
import io.framewise.schema.CameraIds;
import io.framewise.schema.Codec;
import org.apache.kafka.clients.producer.ProducerConfig;
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
        JPEG(Codec.JPEG), PNG(Codec.PNG), H264(Codec.H264), H265(Codec.H265);

        final Codec codec;

        ImageCodec(Codec codec) {
            this.codec = codec;
        }
    }

    @Option(names = "--codec", defaultValue = "jpeg",
            description = "Encoding of the published frames: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}). "
                    + "h264/h265 from a video file or stream (MP4, MKV, TS, .h264, rtsp://...) pass its access units through "
                    + "unchanged, one per record; h264 from 'synthetic' or images encodes them with OpenH264.")
    ImageCodec codec;

    @Option(names = "--listen",
            description = "With an rtsp:// source and --codec h264/h265: listen on its address for a camera or encoder that "
                    + "pushes its stream (RTSP ANNOUNCE/RECORD), instead of connecting to it.")
    boolean listen;

    @Option(names = "--gop", defaultValue = "25",
            description = "Keyframe interval in pictures when encoding H.264 (default ${DEFAULT-VALUE}).")
    int gop;

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

    /**
     * The largest record value the producer and the topic accept: the smaller of max.request.size and
     * max.message.bytes ({@code topicLimit}, -1 when unknown), less what a record batch adds around one value (its
     * header, the record's own, the key).
     */
    private int maxRecordBytes(Map<String, Object> client, int topicLimit) {
        Object request = client.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        int producer = request == null ? (Integer) ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)
                : Integer.parseInt(request.toString().trim());
        return (topicLimit > 0 ? Math.min(producer, topicLimit) : producer) - 128 - camera.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The producer's settings, with batches no larger than the topic takes. The broker applies max.message.bytes to a
     * whole batch: a batch of records that each fit is refused, and the producer splits it and sends it again, with a
     * warning for each split. CI once saw such a run end with records missing. A batch.size the user set is kept.
     */
    static Map<String, Object> producerSettings(Map<String, Object> client, int topicLimit) {
        Map<String, Object> producer = new HashMap<>(client);
        int defaultBatch = (Integer) ProducerConfig.configDef().defaultValues().get(ProducerConfig.BATCH_SIZE_CONFIG);
        if (topicLimit > 0 && topicLimit < defaultBatch) {
            producer.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, topicLimit);
        }
        return producer;
    }

    @Override
    public Integer call() throws Exception {
        String badId = CameraIds.problem(camera);
        if (badId != null) {
            throw new CliException("--camera " + Printable.of(camera, 64) + " " + badId, "give the camera an id of 1 to "
                    + CameraIds.MAX_LENGTH + " characters without control characters, e.g. --camera gate-1");
        }
        Map<String, Object> settings = kafka.settings();
        FramewiseConfig own = new FramewiseConfig(FramewiseConfig.ownSettings(settings));
        String target = topic != null ? topic : own.inputTopic();
        try {
            if (!Topics.exists(FramewiseConfig.clientSettings(settings), target, own.startupTimeoutMs())) {
                throw new CliException("topic '" + target + "' does not exist on " + settings.get("bootstrap.servers"),
                        "start 'framewise run' first (it creates its topics), or create the topic");
            }
        } catch (Topics.BrokerUnavailableException e) {
            throw KafkaOptions.unreachable(e);
        }
        if (listen && (!source.toLowerCase(Locale.ROOT).startsWith("rtsp://") || (codec != ImageCodec.H264 && codec != ImageCodec.H265))) {
            throw new CliException("--listen needs an rtsp:// source and --codec h264 or h265",
                    "e.g. --source rtsp://0.0.0.0:8554/gate-1 --listen --codec h264");
        }
        if (gop < 1) {
            throw new CliException("--gop must be at least 1, got " + gop, "e.g. --gop 25 (a keyframe a second at 25 fps)");
        }
        Map<String, Object> client = FramewiseConfig.clientSettings(settings);
        int topicLimit = Topics.maxMessageBytes(client, target, own.startupTimeoutMs());
        PublishJob job = new PublishJob(camera, source, passthrough, fps, codec.codec, quality, frames, startSequence,
                size.width(), size.height(), attributes, gop, maxRecordBytes(client, topicLimit), listen);
        if (passthrough && !Files.exists(Path.of(source))) {
            throw new CliException("--passthrough needs an image file or a directory of them, got " + source,
                    "point --source at image files, or leave out --passthrough");
        }
        PublishJob.Result result;
        try (FramePublisher publisher = new FramePublisher(producerSettings(client, topicLimit), target, Clock.systemUTC())) {
            result = job.run(publisher, target, output.err());
        } catch (AccessUnitPublishing.SourceRefused e) {
            throw new CliException(Printable.of(e.getMessage(), 1_000), e.fix());
        }
        output.err().printf(Locale.ROOT, "published %d of %d frames to %s (%d failed, %.1f MB)%n", result.acked(), result.sent(),
                target, result.failed(), result.bytes() / 1e6);
        if (result.failed() > 0) {
            output.err().println("first failure: " + result.firstError());
        }
        if (result.video() != null) {
            AccessUnitPublishing.Outcome v = result.video();
            if (v.droppedBeforeKeyframe() > 0 || v.tooLarge() > 0 || v.reconnections() > 0) {
                output.err().printf(Locale.ROOT, "access units dropped before a keyframe: %d; too large to publish: %d; "
                        + "reconnections: %d%n", v.droppedBeforeKeyframe(), v.tooLarge(), v.reconnections());
            }
            if (v.tooLarge() > 0) {
                // their cameras' pictures wait for a keyframe that fits: not a success
                output.err().println("framewise publish: " + v.tooLarge() + " access unit(s) were over the largest record "
                        + "the producer and topic accept (the first is explained above)");
                return FramewiseCli.EXIT_FAILURE;
            }
        }
        if (result.late() > 0) {
            output.err().println("framewise publish: " + result.late() + " frame(s) could not be sent on time (the producer "
                    + "or the cluster stalled); the camera's pace restarted after each instead of sending a backlog");
        }
        if (result.refused() > 0) {
            output.err().println("framewise publish: " + result.refused() + " damaged or unreadable file(s) refused (each named "
                    + "above); publish them unchanged with --passthrough to see their dead letters");
        }
        if (result.sent() == 0) {
            // an unreadable or empty source printed "published 0 of 0 frames" and exited 0
            output.err().println("framewise publish: error: nothing was published: " + Printable.of(source)
                    + " gave no frames (is it readable, and a video, an image directory or a stream?)");
            return FramewiseCli.EXIT_FAILURE;
        }
        return result.succeeded() ? 0 : FramewiseCli.EXIT_FAILURE;
    }
}
