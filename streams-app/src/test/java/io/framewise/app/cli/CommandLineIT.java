package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.framewise.app.FramewiseApplication;
import io.framewise.app.Topics;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.TestFrames;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.serving.ServedModels;
import io.framewise.inference.tiny.TinyConvNet;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The commands a user types, run in-process against real brokers, with their output captured. */
class CommandLineIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();
    @TempDir
    Path temp;

    record Run(int exitCode, String out, String err) {
    }

    /** Runs a command in this JVM; what it prints goes through picocli's writers, captured here. */
    static Run framewise(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = FramewiseCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * {@code framewise run ...} in this JVM, its metrics and health on a free loopback port: never the default 9400,
     * which an instance a developer is running on this host may hold.
     */
    static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        all.addAll(List.of("--set", FramewiseConfig.HTTP_PORT_CONFIG + "=0", "--set", FramewiseConfig.HTTP_HOST_CONFIG + "=127.0.0.1"));
        return framewise(all.toArray(String[]::new));
    }

    @Test
    void demoOnTheSyntheticSceneAccountsForEveryFrameAndExitsZero() {
        Run run = framewise("demo", "--frames", "30", "--cameras", "2", "--fps", "0", "--model", fixture.model().toString(),
                "--data-dir", temp.resolve("demo").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Summary: published 30 frames from 2 camera(s)").contains("every frame accounted for")
                .contains("cam-1").contains("cam-2");
        assertThat(run.err()).contains("random weights");
    }

    @Test
    void demoWithoutFpsPicksARateFromWhatWarmUpMeasuredAndSaysWhy() {
        Run run = framewise("demo", "--frames", "12", "--cameras", "2", "--model", fixture.model().toString(),
                "--data-dir", temp.resolve("auto").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher chosen = Pattern.compile("framewise demo: ([0-9.]+) fps per camera \\(a frame costs about ([0-9.]+) ms "
                + "of CPU here .* core\\(s\\) carry about ([0-9]+) frames/s").matcher(run.err());
        assertThat(chosen.find()).as(run.err()).isTrue();
        double perCamera = Double.parseDouble(chosen.group(1));
        double capacity = Double.parseDouble(chosen.group(3));
        assertThat(perCamera).isBetween(0.1, 10.0);
        assertThat(perCamera * 2).as("the cameras offer at most a quarter of the capacity").isLessThanOrEqualTo(capacity / 4 + 0.5);
        assertThat(run.err()).contains("filming synthetic scene 640x480 (cam-1) at " + perCamera + " fps each");
        assertThat(run.out()).contains("every frame accounted for");
    }

    @Test
    void demoClassifiesARealVideoFile() throws Exception {
        Path video = temp.resolve("street.mp4");
        writeVideo(video, 24);
        // Every frame must be classified (not skipped as late on a slow start): a generous budget.
        Run run = framewise("demo", "--frames", "24", "--cameras", "1", "--fps", "0", "--source", video.toString(), "--json",
                "--model", fixture.model().toString(), "--data-dir", temp.resolve("video").toString(),
                "--set", "framewise.latency.budget.ms=120000");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> events = run.out().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(events).hasSize(24).allSatisfy(l -> assertThat(l).contains("\"status\":\"OK\""));
        assertThat(run.err()).contains("street.mp4");
    }

    @Test
    void aCorruptFramePublishedByHandLandsInTheDeadLetterTopicWhileTheStreamGoesOn() throws Exception {
        var settings = fixture.settings("cli");
        // A late frame is skipped before it is decoded; the corrupt one must be on time to reach the decoder.
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "120000");
        FramewiseConfig config = new FramewiseConfig(settings);
        Path images = Files.createDirectories(temp.resolve("images"));
        byte[] good = TestFrames.jpeg(320, 240, 0, 0);
        Files.write(images.resolve("0-good.jpg"), good);
        Files.write(images.resolve("1-broken.jpg"), Arrays.copyOf(good, good.length / 3));
        Files.write(images.resolve("2-good.jpg"), TestFrames.jpeg(320, 240, 0, 5));
        try (ServedModels models = ModelLoader.load(config, fixture.model());
             FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60))) {
            String bootstrap = fixture.broker().bootstrapServers();
            Run publish = framewise("publish", "--bootstrap-servers", bootstrap, "--topic", config.inputTopic(),
                    "--camera", "door", "--source", images.toString(), "--passthrough");
            assertThat(publish.exitCode()).as(publish.err()).isZero();
            assertThat(publish.err()).contains("published 3 of 3 frames");

            Run consume = framewise("consume", "--bootstrap-servers", bootstrap, "--topic", config.outputTopic(),
                    "--set", "framewise.dead.letter.topic=" + config.deadLetterTopic(), "--dead-letters", "--json",
                    "--max-events", "3", "--timeout", "60");
            assertThat(consume.exitCode()).as(consume.err()).isZero();
            List<String> lines = consume.out().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines).as(consume.out()).filteredOn(l -> l.contains("\"deadLetter\":true")).singleElement()
                    .satisfies(l -> assertThat(l).contains("FrameDecodeException").contains("TRUNCATED").contains("\"key\":\"door\""));
            assertThat(lines).filteredOn(l -> l.contains("\"status\":\"OK\"")).hasSize(2)
                    .anySatisfy(l -> assertThat(l).contains("\"sequence\":2"));
        }
    }

    @Test
    void aMissingClusterOrModelIsOneClearLineAndANonZeroExit() {
        Run noBroker = framewise("publish", "--camera", "x", "--source", "synthetic");
        assertThat(noBroker.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(noBroker.err()).contains("no Kafka cluster given").contains("fix:").doesNotContain("\tat ");

        Run noModel = run("--bootstrap-servers", fixture.broker().bootstrapServers(), "--model",
                temp.resolve("missing").toString());
        assertThat(noModel.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(noModel.err()).contains("does not exist").contains("Fix:").doesNotContain("\tat ");

        Run unreachable = run("--bootstrap-servers", "127.0.0.1:1", "--model", fixture.model().toString(),
                "--set", "framewise.startup.timeout.ms=2000");
        assertThat(unreachable.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(unreachable.err()).contains("no Kafka broker answered at 127.0.0.1:1").contains("fix:").doesNotContain("\tat ");

        Run badValue = run("--bootstrap-servers", fixture.broker().bootstrapServers(), "--model",
                fixture.model().toString(), "--set", "framewise.latency.budget.ms=-5");
        assertThat(badValue.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(badValue.err()).contains("framewise.latency.budget.ms").doesNotContain("\tat ");
    }

    @Test
    void aFrameOverKafkasMessageLimitIsReportedByThePublisher() throws Exception {
        Path big = Files.createDirectories(temp.resolve("big"));
        byte[] twoMegabytes = new byte[2 * 1024 * 1024];
        new Random(1).nextBytes(twoMegabytes);
        Files.write(big.resolve("huge.jpg"), twoMegabytes);
        Run missingTopic = framewise("publish", "--bootstrap-servers", fixture.broker().bootstrapServers(), "--topic", "nowhere",
                "--camera", "giant", "--source", big.toString(), "--passthrough");
        assertThat(missingTopic.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(missingTopic.err()).contains("topic 'nowhere' does not exist").contains("fix:");

        Topics.ensure(fixture.client(), List.of("big-frames"), 1, (short) 1, 10_000);
        Run publish = framewise("publish", "--bootstrap-servers", fixture.broker().bootstrapServers(), "--topic", "big-frames",
                "--camera", "giant", "--source", big.toString(), "--passthrough");
        assertThat(publish.exitCode()).isEqualTo(FramewiseCli.EXIT_FAILURE);
        assertThat(publish.err()).contains("published 0 of 1 frames").contains("frame 0 of giant is")
                .contains("max.request.size").doesNotContain("\tat ");
    }

    @Test
    void anUnreachableClusterIsSaidAtOnceByEveryCommandThatNeedsOne() throws Exception {
        // consume waited for ever; run and publish were silent for 35 s before saying what was known at once
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String nowhere = "127.0.0.1:" + closed;
        Run consume = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> framewise("consume", "--bootstrap-servers", nowhere));
        Run publish = framewise("publish", "--bootstrap-servers", nowhere, "--camera", "gate-1", "--source", "synthetic");
        Run run = run("--bootstrap-servers", nowhere, "--model", fixture.model().toString());
        for (Run r : List.of(consume, publish, run)) {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(FramewiseCli.EXIT_USAGE);
            // the refusal itself, not a timeout's "within 30000 ms"
            assertThat(r.err()).contains("no Kafka broker answered at " + nowhere + ": " + nowhere + " connection refused")
                    .contains("fix: check --bootstrap-servers").doesNotContain("\tat ");
        }
    }

    @Test
    void passthroughKeepsTheCamerasPace() throws Exception {
        // --passthrough ignored --fps: every file went at once
        Path images = Files.createDirectories(temp.resolve("paced"));
        for (int i = 0; i < 5; i++) {
            Files.write(images.resolve("frame-" + i + ".jpg"), TestFrames.jpeg(64, 48, 0, i));
        }
        Topics.ensure(fixture.client(), List.of("paced-frames"), 1, (short) 1, 10_000);
        Run run = framewise("publish", "--bootstrap-servers", fixture.broker().bootstrapServers(), "--topic", "paced-frames",
                "--camera", "gate-1", "--source", images.toString(), "--passthrough", "--fps", "10");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Instant> captured = new ArrayList<>();
        Map<String, Object> c = new HashMap<>(fixture.client());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "paced-check");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("paced-frames"));
            Awaitility.await("five frames").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> captured.add(FramewiseSerdes.frame().decode(r.value())
                        .getCaptureTimestamp()));
                return captured.size() >= 5;
            });
        }
        // a sleep is never shorter than asked: at 10 fps frames are at least ~100 ms apart however busy the machine
        for (int i = 1; i < captured.size(); i++) {
            assertThat(Duration.between(captured.get(i - 1), captured.get(i)).toMillis()).as("frame %d after %d", i, i - 1)
                    .isGreaterThanOrEqualTo(90);
        }
    }

    @Test
    void publishingNothingIsAFailureNotASuccess() throws Exception {
        // an unreadable or empty source printed "published 0 of 0 frames" and exited 0
        Path empty = Files.createDirectories(temp.resolve("no-images"));
        Topics.ensure(fixture.client(), List.of("quiet-frames"), 1, (short) 1, 10_000);
        Run run = framewise("publish", "--bootstrap-servers", fixture.broker().bootstrapServers(), "--topic", "quiet-frames",
                "--camera", "gate-1", "--source", empty.toString(), "--passthrough");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(FramewiseCli.EXIT_FAILURE);
        assertThat(run.err()).contains("nothing was published").contains("gave no frames");
    }

    @Test
    void aModelWhoseSignatureDoesNotFitItsMetadataIsRefusedWithTheReason() throws Exception {
        Path model = temp.resolve("misfit");
        TinyConvNet.export(model, 3, 224);
        Path metadata = model.resolve(ModelMetadata.FILE_NAME);
        Files.writeString(metadata, Files.readString(metadata).replace("\"height\" : 224", "\"height\" : 128"));
        Run run = run("--bootstrap-servers", fixture.broker().bootstrapServers(), "--model", model.toString());
        assertThat(run.exitCode()).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(run.err()).contains("input 'images' is DT_FLOAT [-1, 224, 224, 3], expected DT_FLOAT [-1, 128, 224, 3]")
                .contains("Fix:").doesNotContain("\tat ");
    }

    private static void writeVideo(Path file, int frames) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), 320, 240);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
             SyntheticScene scene = new SyntheticScene(320, 240, 2, "video", frames)) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setFrameRate(10);
            recorder.setVideoBitrate(800_000);
            recorder.start();
            Mat image;
            while ((image = scene.next()) != null) {
                recorder.record(converter.convert(image));
            }
            recorder.stop();
        }
    }
}
