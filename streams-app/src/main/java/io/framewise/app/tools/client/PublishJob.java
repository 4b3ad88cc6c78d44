package io.framewise.app.tools.client;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.ImageSource;
import io.framewise.decoder.source.ImageSources;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.schema.Codec;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What {@code framewise publish} does: one camera's frames from a source (a video, images, a webcam, a stream, the
 * synthetic scene), decoded and re-encoded; or image files' bytes passed through unchanged, which is how cameras that
 * already produce JPEGs publish, and how a damaged file is injected.
 *
 * @param frames at most this many frames; negative for all
 */
public record PublishJob(String camera, String source, boolean passthrough, double fps, Codec codec, int quality, long frames,
                         long startSequence, int width, int height, Map<String, String> attributes, int gop,
                         int maxRecordBytes, boolean listen) {

    /**
     * What was sent and what the broker acknowledged, and how many of the source's images were refused (damaged or
     * unreadable files: never published, never re-encoded as if they were good).
     */
    public record Result(long sent, long acked, long failed, long bytes, String firstError, long refused, long late,
                         AccessUnitPublishing.Outcome video) {
        public boolean succeeded() {
            return failed == 0 && refused == 0;
        }
    }

    /** Publishes, with a progress line on {@code log}, and waits for the broker's acknowledgements. */
    public Result run(FramePublisher publisher, String topic, PrintWriter log) throws Exception {
        ProgressLine progress = new ProgressLine(camera, log);
        publisher.connect();
        long sent;
        long refused = 0;
        AccessUnitPublishing.Outcome video = null;
        if (passthrough) {
            sent = passFiles(publisher, progress);
        } else if ((codec == Codec.H264 || codec == Codec.H265) && !ImageSources.isImages(source)) {
            video = new AccessUnitPublishing(new AccessUnitPublishing.Settings(camera, source, codec, fps, frames, startSequence,
                    attributes, maxRecordBytes, listen), log).run(publisher, progress);
            sent = video.published();
        } else if (codec == Codec.H264) {
            try (ImageSource images = ImageSources.open(source, 0, camera, width, height, frames)) {
                log.println("publishing " + images.describe() + " as camera " + camera + " to " + topic + ", encoded as H.264 "
                        + "by OpenH264 with a keyframe every " + gop + " pictures"
                        + (fps > 0 ? " at " + fps + " fps" : " as fast as possible"));
                sent = encodeH264(publisher, images, progress);
                refused = images.refused();
            }
        } else if (codec == Codec.H265) {
            throw new AccessUnitPublishing.SourceRefused(source + " is pictures, and H.265 can only be passed through from an "
                    + "H.265 video or stream (this FFmpeg build has no H.265 encoder)", "publish the pictures with --codec h264 or jpeg");
        } else {
            try (ImageSource images = ImageSources.open(source, 0, camera, width, height, frames)) {
                log.println("publishing " + images.describe() + " as camera " + camera + " to " + topic
                        + (fps > 0 ? " at " + fps + " fps" : " as fast as possible"));
                sent = publisher.publish(camera, images, new ImageEncoder(codec, quality), fps, startSequence, attributes,
                        progress);
                refused = images.refused();
            }
        }
        publisher.flush();
        progress.finish();
        return new Result(sent, publisher.acked(), publisher.failed(), publisher.bytes(), publisher.firstError(), refused,
                publisher.late(), video);
    }

    /** The source's pictures encoded as one H.264 camera (OpenH264, no B-frames), one access unit per record. */
    private long encodeH264(FramePublisher publisher, ImageSource images, ProgressLine progress) throws Exception {
        CameraPace pace = new CameraPace(fps);
        VideoEncoder encoder = null;
        long sent = 0;
        try {
            Mat image;
            while ((image = images.next()) != null && !Thread.currentThread().isInterrupted()) {
                if (encoder == null) {
                    encoder = new VideoEncoder(image.cols(), image.rows(), fps > 0 ? fps : 25, gop, 2_000_000);
                }
                pace.awaitFrame(sent);
                VideoEncoder.Encoded au = encoder.encode(image);
                publisher.sendFrame(camera, startSequence + sent, Codec.H264, au.annexB(), image.cols(), image.rows(),
                        au.keyframe(), publisher.now(), attributes);
                progress.framePublished(camera, startSequence + sent, au.annexB().length);
                sent++;
            }
        } finally {
            if (encoder != null) {
                encoder.close();
            }
        }
        publisher.countLate(pace.late());
        return sent;
    }

    private long passFiles(FramePublisher publisher, ProgressLine progress) throws Exception {
        Path path = Path.of(source);
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> listing = Files.list(path)) {
                listing.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } else if (Files.isRegularFile(path)) {
            files.add(path);
        } else {
            throw new IllegalArgumentException("--passthrough needs an image file or a directory of them, got " + source);
        }
        long sequence = startSequence;
        CameraPace pace = new CameraPace(fps); // --fps paces passed-through files too (it was ignored)
        for (Path file : files) {
            if (frames >= 0 && sequence - startSequence >= frames) {
                break;
            }
            pace.awaitFrame(sequence - startSequence);
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            Codec c = name.endsWith(".png") ? Codec.PNG : name.endsWith(".jpg") || name.endsWith(".jpeg") ? Codec.JPEG : Codec.UNKNOWN;
            publisher.sendFrame(camera, sequence, c, bytes, 0, 0, attributes);
            progress.framePublished(camera, sequence, bytes.length);
            sequence++;
        }
        publisher.countLate(pace.late());
        return sequence - startSequence;
    }

    /** Progress of one camera: frames, rate and bytes, on a terminal at most twice a second ({@link ProgressOutput}). */
    static final class ProgressLine implements FramePublisher.Progress {
        static final long TERMINAL_INTERVAL_NANOS = 500_000_000L;

        private final String camera;
        private final ProgressOutput output;
        private final long start;
        private long frames;
        private long bytes;

        ProgressLine(String camera, PrintWriter log) {
            this(camera, new ProgressOutput(log, TERMINAL_INTERVAL_NANOS));
        }

        ProgressLine(String camera, ProgressOutput output) {
            this.camera = camera;
            this.output = output;
            this.start = output.now();
        }

        @Override
        public synchronized void framePublished(String cameraId, long sequence, int size) {
            frames++;
            bytes += size;
            if (output.due(output.now())) {
                print();
            }
        }

        private void print() {
            double seconds = (output.now() - start) / 1e9;
            // a rate over less than a second (the first frame's line) would say nothing true
            String rate = seconds < 1 ? "" : String.format(Locale.ROOT, ", %.1f fps", frames / seconds);
            output.show(String.format(Locale.ROOT, "%s: %d frames%s, %.1f MB", camera, frames, rate, bytes / 1e6));
        }

        synchronized void finish() {
            print();
            output.end();
        }
    }
}
