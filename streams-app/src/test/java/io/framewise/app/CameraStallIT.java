package io.framewise.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.FramewiseProcess;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stall detector on the real path: three cameras publish at 10 fps to the embedded broker; one stops. Within the
 * stall window its instance reports it stalled (quiet: nothing waits on its partition), and only it: the other two
 * stay healthy throughout.
 */
class CameraStallIT {
    private static final long WINDOW_MS = 4000;

    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();

    @Test
    void aCameraThatStopsIsReportedStalledWithinTheWindowWhileTheOtherTwoStayHealthy() throws Exception {
        Map<String, Object> settings = fixture.settings("stall");
        settings.put(FramewiseConfig.METRICS_CAMERA_STALL_MS_CONFIG, String.valueOf(WINDOW_MS));
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "5000");
        FramewiseConfig config = new FramewiseConfig(settings);
        List<String> cameras = List.of("cam-a", "cam-b", "cam-c");
        AtomicBoolean bStops = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong bLastSent = new AtomicLong();
        byte[] jpeg = TestFrames.solidJpeg(160, 120, 100);
        try (ServedModels models = ModelLoader.load(config, fixture.model());
             FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60));
             FramePublisher publisher = new FramePublisher(fixture.client(), config.inputTopic(), Clock.systemUTC())) {
            Thread cameraThread = new Thread(() -> {
                long next = System.nanoTime();
                for (long seq = 0; !done.get(); seq++) {
                    for (String c : cameras) {
                        if (c.equals("cam-b") && bStops.get()) {
                            continue;
                        }
                        publisher.sendFrame(c, seq, Codec.JPEG, jpeg, 160, 120, Map.of());
                        if (c.equals("cam-b")) {
                            bLastSent.set(System.nanoTime());
                        }
                    }
                    publisher.flush();
                    next += 100_000_000L; // 10 fps
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        try {
                            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "cameras");
            cameraThread.start();
            try {
                // the rates are learnt and each camera has been seen for a whole window
                FramewiseProcess.await(Duration.ofSeconds(60), () -> cameras.stream().allMatch(c ->
                        gauge(app, "framewise_camera_expected_fps", c) > 8), "the cameras' rates to be learnt");
                Thread.sleep(WINDOW_MS);
                for (String c : cameras) {
                    assertThat(gauge(app, "framewise_camera_stalled", c)).as(c).isZero();
                }
                bStops.set(true);
                FramewiseProcess.await(Duration.ofSeconds(30), () -> gauge(app, "framewise_camera_stalled", "cam-b") == 1,
                        "cam-b reported stalled");
                double reportedAfter = (System.nanoTime() - bLastSent.get()) / 1e9;
                assertThat(reportedAfter).as("seconds from cam-b's last frame to the report").isLessThanOrEqualTo(WINDOW_MS / 1000.0);
                assertThat(gauge(app, "framewise_camera_behind", "cam-b")).as("quiet, not behind").isZero();
                // the other two go on, healthy, for another window
                long until = System.nanoTime() + WINDOW_MS * 1_000_000;
                while (System.nanoTime() < until) {
                    for (String c : List.of("cam-a", "cam-c")) {
                        assertThat(gauge(app, "framewise_camera_stalled", c)).as(c + " stays healthy").isZero();
                        assertThat(gauge(app, "framewise_camera_behind", c)).as(c).isZero();
                    }
                    Thread.sleep(200);
                }
                assertThat(gauge(app, "framewise_camera_input_fps", "cam-a")).isBetween(7.0, 13.0);
            } finally {
                done.set(true);
                cameraThread.join(10_000);
            }
        }
    }

    /** The value of a per-camera gauge in the instance's scrape (-1 when absent). */
    private static double gauge(FramewiseApplication app, String name, String camera) {
        String prefix = name + "{";
        return app.observability().registry().scrape().lines()
                .filter(l -> l.startsWith(prefix) && l.contains("camera=\"" + camera + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
