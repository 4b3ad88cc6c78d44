package io.framewise.app.cli;

import static io.framewise.app.cli.CommandLineIT.framewise;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.framewise.app.Topics;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.decoder.video.Clips;
import io.framewise.decoder.video.VideoDecoder;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code framewise publish --codec h264|h265} from files and a live RTSP stream: the access units reach the topic
 * unchanged, one per record, in decode order, numbered without gaps, every keyframe decodable on its own, and the
 * pictures a decoder makes of the records are bit-exact against Debian ffmpeg's decode of the source file.
 */
class VideoPublishIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();

    @ParameterizedTest
    @CsvSource({"h264-baseline.mp4, h264", "h264.ts, h264", "h265.mp4, h265"})
    void aVideoFilesAccessUnitsArePublishedUnchangedOnePerRecord(String clip, String codec) throws Exception {
        String topic = "video-" + clip.replaceAll("[^a-z0-9]", "-");
        Topics.ensure(fixture.client(), List.of(topic), 1, (short) 1, 10_000);
        CommandLineIT.Run run = framewise("publish", "--bootstrap-servers", fixture.broker().bootstrapServers(), "--topic", topic,
                "--camera", "door", "--source", Clips.path(clip).toString(), "--codec", codec);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("unchanged as camera door").contains("published 50 of 50 frames");

        List<Frame> frames = consume(topic, 50);
        List<String> reference = Clips.referenceMd5s(clip);
        Codec expected = Codec.valueOf(codec.toUpperCase());
        try (VideoDecoder decoder = new VideoDecoder(expected, 1920L * 1080)) {
            for (int i = 0; i < frames.size(); i++) {
                Frame f = frames.get(i);
                assertThat(f.getSequence()).isEqualTo(i);
                assertThat(f.getCodec()).isEqualTo(expected);
                assertThat(f.getKeyframe()).as("access unit %d", i).isEqualTo(i % 12 == 0);
                assertThat(f.getWidth()).isEqualTo(320);
                assertThat(f.getHeight()).isEqualTo(240);
                assertThat(md5(decoder.decode(f.getPayload(), i))).as("picture %d", i).isEqualTo(reference.get(i));
                if (f.getKeyframe()) {
                    try (VideoDecoder alone = new VideoDecoder(expected, 1920L * 1080)) {
                        assertThat(md5(alone.decode(f.getPayload(), i))).as("keyframe %d decoded alone", i).isEqualTo(reference.get(i));
                    }
                }
            }
        }
    }

    @Test
    void aStreamWithBFramesOrOfAnotherCodecIsRefusedWithTheReason() throws Exception {
        Topics.ensure(fixture.client(), List.of("refused-video"), 1, (short) 1, 10_000);
        CommandLineIT.Run bFrames = framewise("publish", "--bootstrap-servers", fixture.broker().bootstrapServers(), "--topic",
                "refused-video", "--camera", "door", "--source", Clips.path("h264-bframes.mp4").toString(), "--codec", "h264");
        assertThat(bFrames.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(bFrames.err()).contains("has B-frames").contains("no B-frames").doesNotContain("\tat ");

        CommandLineIT.Run wrongCodec = framewise("publish", "--bootstrap-servers", fixture.broker().bootstrapServers(), "--topic",
                "refused-video", "--camera", "door", "--source", Clips.path("h264.ts").toString(), "--codec", "h265");
        assertThat(wrongCodec.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(wrongCodec.err()).contains("is H264, not H265").contains("fix: publish it with --codec h264");
    }

    /**
     * Keyframes larger than the topic takes are not sent, explained once and counted; the publisher fails, and the
     * sequence numbers they would have had are left as gaps, so that the application knows what is missing.
     */
    @Test
    void accessUnitsOverTheTopicsLimitAreExplainedCountedAndLeftAsGaps() throws Exception {
        List<String> topicNames = List.of("small-video");
        try (Admin admin = Admin.create(fixture.client())) {
            admin.createTopics(List.of(new NewTopic("small-video", 1, (short) 1).configs(Map.of("max.message.bytes", "3000"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        CommandLineIT.Run run = framewise("publish", "--bootstrap-servers", fixture.broker().bootstrapServers(), "--topic",
                topicNames.get(0), "--camera", "door", "--source", Clips.path("h264.ts").toString(), "--codec", "h264");
        assertThat(run.exitCode()).isEqualTo(FramewiseCli.EXIT_FAILURE);
        assertThat(run.err()).contains("is over the largest record the producer and the topic accept")
                .contains("--set max.request.size=N").contains("max.message.bytes")
                .contains("too large to publish: 5").contains("published 45 of 45 frames to small-video (0 failed")
                .doesNotContain("\tat ");
        List<Frame> frames = consume("small-video", 45);
        assertThat(frames).extracting(Frame::getKeyframe).containsOnly(false);
        assertThat(frames).extracting(Frame::getSequence).doesNotContain(0L, 12L, 24L, 36L, 48L).contains(1L, 11L, 13L, 49L);
    }

    /**
     * A live RTSP stream on 127.0.0.1: an encoder (FFmpeg's RTSP muxer) pushes the TS clip's access units in real time
     * to {@code publish --listen}; the records are the stream's access units from its first keyframe, without gaps,
     * decoding bit-exactly, with capture times 40 ms apart as the camera stamped them.
     */
    @Test
    void aLiveRtspStreamIsPublishedUnchanged() throws Exception {
        Listening publish = listen("rtsp-video", 36);
        Instant pushStart = Instant.now();
        pushWhenListening(publish.url());
        CommandLineIT.Run run = publish.run().get(60, TimeUnit.SECONDS);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("pushed to this publisher").contains("published 36 of 36 frames");

        List<Frame> frames = consume("rtsp-video", 36);
        List<String> reference = Clips.referenceMd5s("h264.ts");
        assertThat(frames.get(0).getKeyframe()).isTrue();
        try (VideoDecoder decoder = new VideoDecoder(Codec.H264, 1920L * 1080);
             VideoDecoder firstAlone = new VideoDecoder(Codec.H264, 1920L * 1080)) {
            // the stream from its first keyframe: a listener may miss nothing here, but is allowed to start later
            int first = reference.indexOf(md5(firstAlone.decode(frames.get(0).getPayload(), 0)));
            assertThat(first).isGreaterThanOrEqualTo(0);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(frames.get(i).getSequence()).isEqualTo(i);
                assertThat(md5(decoder.decode(frames.get(i).getPayload(), i))).as("picture %d", i).isEqualTo(reference.get(first + i));
            }
        }
        for (int i = 1; i < frames.size(); i++) {
            Duration gap = Duration.between(frames.get(i - 1).getCaptureTimestamp(), frames.get(i).getCaptureTimestamp());
            assertThat(gap.toMillis()).as("capture %d after %d", i, i - 1).isBetween(30L, 50L);
        }
        assertThat(frames.get(0).getCaptureTimestamp()).isBetween(pushStart.minusSeconds(5), Instant.now());
    }

    /**
     * The live stream ends and comes back: the publisher says so, reopens after its backoff, and resumes at the new
     * stream's first keyframe, its sequence numbers going on without a gap.
     */
    @Test
    void aLiveStreamThatEndsIsReopenedAndResumesAtItsNextKeyframe() throws Exception {
        Listening publish = listen("rtsp-again", 70);
        pushWhenListening(publish.url());
        pushWhenListening(publish.url()); // after the first push ends, once the publisher listens again
        CommandLineIT.Run run = publish.run().get(60, TimeUnit.SECONDS);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("door: the stream ended; reopening in 1 s (attempt 1)")
                .contains("door: stream reopened; resuming at its next keyframe").contains("published 70 of 70 frames");

        List<Frame> frames = consume("rtsp-again", 70);
        List<String> reference = Clips.referenceMd5s("h264.ts");
        int second = -1;
        try (VideoDecoder decoder = new VideoDecoder(Codec.H264, 1920L * 1080)) {
            for (int i = 0; i < frames.size(); i++) {
                assertThat(frames.get(i).getSequence()).isEqualTo(i);
                String md5 = md5(decoder.decode(frames.get(i).getPayload(), i));
                if (i > 0 && frames.get(i).getKeyframe() && md5.equals(reference.get(0))) {
                    second = i;
                }
                int expected = second < 0 ? reference.indexOf(md5) : i - second;
                assertThat(md5).as("picture %d", i).isEqualTo(reference.get(expected));
            }
        }
        assertThat(second).as("where the second stream starts").isGreaterThan(30);
    }

    /** {@code publish --listen} on a free loopback port, running in the background, for {@code frames} access units. */
    private record Listening(String url, CompletableFuture<CommandLineIT.Run> run) {
    }

    private static Listening listen(String topic, int frames) throws Exception {
        Topics.ensure(fixture.client(), List.of(topic), 1, (short) 1, 10_000);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "rtsp://127.0.0.1:" + port + "/door";
        return new Listening(url, CompletableFuture.supplyAsync(() -> framewise("publish", "--bootstrap-servers",
                fixture.broker().bootstrapServers(), "--topic", topic, "--camera", "door", "--source", url, "--listen", "--codec",
                "h264", "--frames", Integer.toString(frames))));
    }

    /**
     * Pushes the TS clip as soon as the publisher listens: the encoder's connection is refused until then (a probe
     * connection would be taken for the encoder).
     */
    private static void pushWhenListening(String url) {
        Awaitility.await("the encoder connected to " + url).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsMatching(e -> e.getMessage() != null && e.getMessage().contains("error -111"))
                .until(() -> {
                    push(Clips.path("h264.ts").toString(), url);
                    return true;
                });
    }

    /**
     * Pushes a file's packets unchanged to an RTSP listener, at the file's real time, until the file ends or the
     * listener hangs up (the publisher has published what it was asked to).
     */
    private static void push(String file, String url) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file)) {
            grabber.start();
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(url, grabber.getImageWidth(), grabber.getImageHeight(), 0)) {
                recorder.setFormat("rtsp");
                recorder.setOption("rtsp_transport", "tcp");
                recorder.setVideoCodec(grabber.getVideoCodec());
                recorder.start(grabber.getFormatContext());
                long start = System.nanoTime();
                int n = 0;
                AVPacket packet;
                while ((packet = grabber.grabPacket()) != null) {
                    long due = start + n++ * 40_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                    try {
                        recorder.recordPacket(packet);
                    } catch (FFmpegFrameRecorder.Exception e) {
                        if (n > 1) {
                            break; // the listener hung up
                        }
                        throw e;
                    }
                }
                try {
                    recorder.stop();
                } catch (FFmpegFrameRecorder.Exception e) {
                    // the listener hung up first
                }
            }
            grabber.stop();
        }
    }

    private static List<Frame> consume(String topic, int count) {
        Map<String, Object> c = fixture.client();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<Frame> frames = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Awaitility.await(count + " frames on " + topic).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> frames.add(FramewiseSerdes.frame().decode(r.value())));
                return frames.size() >= count;
            });
        }
        assertThat(frames).hasSize(count);
        return frames;
    }

    private static String md5(AVFrame picture) {
        assertThat(picture).as("a picture").isNotNull();
        return Clips.md5(picture);
    }
}
