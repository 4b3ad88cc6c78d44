package io.framewise.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.framewise.inference.serving.SkipReason;
import io.framewise.schema.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class CameraMetersTest {
    private static final long SECOND = 1_000_000_000L;
    /** Lag 0 on every partition the cameras use: nothing waits. */
    private static final Map<Integer, Long> NOTHING_WAITS = Map.of(0, 0L, 1, 0L, 2, 0L, 3, 0L);
    private final long[] now = {0};
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<String> reported = new ArrayList<>();

    private List<String> cameraSeries() {
        return registry.scrape().lines().filter(l -> l.startsWith("framewise_camera_")).toList();
    }

    private double value(String series) {
        return cameraSeries().stream().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1))).orElseThrow(() ->
                        new AssertionError("no series " + series + " in " + cameraSeries()));
    }

    private List<String> logLines() {
        return reported;
    }

    /** Meters with a stall window of 4 s and a fraction of 0.5, reporting to {@link #reported}. */
    private CameraMeters stallMeters() {
        CameraMeters meters = new CameraMeters(registry, 10, 600 * SECOND, 4 * SECOND, 0.5, () -> now[0]);
        meters.reportTo(reported::add);
        return meters;
    }

    @Test
    void tenThousandCameraIdsStayWithinTheDocumentedBoundAndNoOutcomeIsLost() {
        CameraMeters meters = new CameraMeters(registry, 100, 600 * SECOND, () -> now[0]);
        for (int i = 0; i < 10_000; i++) {
            String camera = "cam-" + i;
            // every kind of series a camera can have: all skip reasons, both dead-letter stages, latency
            meters.arrived(camera, i % 16, i * 100_000L, null);
            meters.event(camera, Status.OK, 12.5);
            for (SkipReason reason : SkipReason.values()) {
                meters.skipped(camera, reason);
                meters.event(camera, reason.status(), 900);
            }
            meters.deadLetter(camera);
            meters.refused(camera);
            now[0] += 1_000_000; // 1,000 cameras a second
        }
        meters.check();
        List<String> series = cameraSeries();
        assertThat(series).hasSizeLessThanOrEqualTo((100 + 1) * CameraMeters.MAX_SERIES);
        assertThat(series.stream().filter(l -> l.contains("camera=\"cam-0\"")).count())
                .as("one camera's series: %s", CameraMeters.MAX_SERIES).isEqualTo(CameraMeters.MAX_SERIES);
        assertThat(series).contains("framewise_camera_events_total{camera=\"cam-0\",status=\"ok\"} 1.0",
                "framewise_camera_events_total{camera=\"cam-99\",status=\"ok\"} 1.0",
                "framewise_camera_events_total{camera=\"_other\",status=\"ok\"} 9900.0",
                "framewise_camera_frames_total{camera=\"_other\"} 9900.0",
                "framewise_camera_dead_letters_total{camera=\"cam-7\",stage=\"arrival\"} 1.0",
                "framewise_camera_skips_total{camera=\"cam-7\",reason=\"superseded\"} 1.0");
        assertThat(series).noneMatch(l -> l.contains("camera=\"cam-100\""));
        assertThat(meters.tracked()).isEqualTo(100);
    }

    @Test
    void latencyQuantilesArePerCamera() {
        CameraMeters meters = new CameraMeters(registry, 10, 600 * SECOND, () -> now[0]);
        for (int i = 1; i <= 100; i++) {
            meters.event("fast", Status.OK, i);        // 1..100 ms
            meters.event("slow", Status.OK, 1000 + i); // about a second
        }
        assertThat(value("framewise_camera_latency_seconds{camera=\"fast\",quantile=\"0.5\"}")).isBetween(0.04, 0.06);
        assertThat(value("framewise_camera_latency_seconds{camera=\"fast\",quantile=\"0.99\"}")).isBetween(0.09, 0.11);
        assertThat(value("framewise_camera_latency_seconds{camera=\"slow\",quantile=\"0.5\"}")).isBetween(0.95, 1.1);
        assertThat(value("framewise_camera_latency_seconds_count{camera=\"slow\"}")).isEqualTo(100);
    }

    @Test
    void anIdleCameraIsForgottenAndItsPlaceGoesToTheNextNewOne() {
        CameraMeters meters = new CameraMeters(registry, 2, 60 * SECOND, () -> now[0]);
        meters.event("lobby", Status.OK, 10);
        meters.event("gate", Status.SKIPPED_LATE, 10);
        meters.event("dock", Status.OK, 10); // no room: counted under _other
        assertThat(cameraSeries()).anyMatch(l -> l.startsWith("framewise_camera_events_total{camera=\"_other\",status=\"ok\"} 1.0"));

        now[0] += 30 * SECOND;
        meters.event("gate", Status.OK, 10);
        assertThat(cameraSeries()).contains("framewise_camera_last_seen_age_seconds{camera=\"lobby\"} 30.0",
                "framewise_camera_last_seen_age_seconds{camera=\"gate\"} 0.0");

        now[0] += 31 * SECOND; // lobby silent for 61 s, gate for 31 s
        meters.deadLetter("dock");
        assertThat(cameraSeries()).noneMatch(l -> l.contains("camera=\"lobby\""))
                .contains("framewise_camera_dead_letters_total{camera=\"dock\",stage=\"in_flight\"} 1.0",
                        "framewise_camera_events_total{camera=\"gate\",status=\"skipped_late\"} 1.0");
        assertThat(meters.tracked()).isEqualTo(2);
    }

    @Test
    void whatAPublisherPutsInACameraIdIsCutAndEscapedBeforeItReachesTheEndpoint() {
        CameraMeters meters = new CameraMeters(registry, 10, 60 * SECOND, () -> now[0]);
        String prefix = "x".repeat(100);
        meters.event(prefix + "a", Status.OK, 10);
        meters.event(prefix + "b", Status.OK, 10);
        meters.event("evil\"}\nfake_metric 1", Status.OK, 10);
        List<String> series = cameraSeries();
        assertThat(series).noneMatch(l -> l.startsWith("fake_metric"));
        assertThat(registry.scrape()).doesNotContain("\nfake_metric");
        List<String> longLabels = series.stream().filter(l -> l.startsWith("framewise_camera_frames_total{camera=\"xxx"))
                .toList();
        assertThat(longLabels).hasSize(2).allSatisfy(l -> assertThat(l.substring(l.indexOf('"') + 1, l.indexOf("\"}")))
                .hasSize(CameraMeters.MAX_LABEL));
        assertThat(CameraMeters.label(prefix + "a")).isNotEqualTo(CameraMeters.label(prefix + "b"));
    }

    /** Three cameras at 10 fps, 100 ms apart; {@code stop} stops sending after {@code stopAt} seconds. */
    private void run(CameraMeters meters, double seconds, String stop, double stopAt, double slowTo) {
        long start = now[0];
        long end = start + (long) (seconds * SECOND);
        long nextCheck = start + SECOND;
        long captureMicros = start / 1000;
        while (now[0] < end) {
            for (String camera : List.of("lobby", "gate", "dock")) {
                boolean stopped = camera.equals(stop) && now[0] - start >= stopAt * SECOND;
                if (!stopped || (slowTo > 0 && (now[0] / (100_000_000L)) % Math.round(10 / slowTo) == 0)) {
                    meters.arrived(camera, partitionOf(camera), captureMicros, null);
                }
            }
            now[0] += 100_000_000L;
            captureMicros += 100_000;
            if (now[0] >= nextCheck) {
                meters.check();
                nextCheck += SECOND;
            }
        }
    }

    private static int partitionOf(String camera) {
        return Map.of("lobby", 0, "gate", 1, "dock", 2).get(camera);
    }

    @Test
    void aCameraThatStopsIsReportedStalledWithinTheWindowOnceWhileTheOthersStayHealthy() {
        CameraMeters meters = stallMeters();
        meters.partitionLags(() -> NOTHING_WAITS); // the pipeline keeps up
        run(meters, 10, null, 0, 0);
        assertThat(value("framewise_camera_expected_fps{camera=\"gate\"}")).isCloseTo(10.0, offset(0.01));
        assertThat(value("framewise_camera_input_fps{camera=\"gate\"}")).isCloseTo(10.0, offset(0.6));
        assertThat(value("framewise_camera_stalled{camera=\"gate\"}")).isZero();

        long stoppedAt = now[0];
        List<Long> reportedAfter = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            run(meters, 1, "gate", 0, 0);
            if (reportedAfter.isEmpty() && value("framewise_camera_stalled{camera=\"gate\"}") == 1) {
                reportedAfter.add((now[0] - stoppedAt) / SECOND);
            }
        }
        assertThat(reportedAfter).as("seconds from the stop to the report").singleElement()
                .satisfies(t -> assertThat(t).isLessThanOrEqualTo(4));
        assertThat(value("framewise_camera_behind{camera=\"gate\"}")).isZero();
        for (String healthy : List.of("lobby", "dock")) {
            assertThat(value("framewise_camera_stalled{camera=\"" + healthy + "\"}")).isZero();
            assertThat(value("framewise_camera_behind{camera=\"" + healthy + "\"}")).isZero();
        }
        assertThat(logLines()).singleElement().asString().contains("camera gate is below its rate")
                .contains("the camera went quiet").contains("partition 1 has lag 0");
        assertThat(value("framewise_camera_expected_fps{camera=\"gate\"}")).as("not learnt while stalled")
                .isCloseTo(10.0, offset(0.01));

        run(meters, 5, null, 0, 0); // gate is back
        assertThat(value("framewise_camera_stalled{camera=\"gate\"}")).isZero();
        assertThat(logLines()).hasSize(2).last().asString().contains("camera gate is back at its rate");
    }

    @Test
    void aCameraBelowItsRateWhileItsPartitionLagsIsBehindNotStalled() {
        CameraMeters meters = stallMeters();
        Map<Integer, Long> lag = new ConcurrentHashMap<>(Map.of(0, 0L, 1, 0L, 2, 0L));
        meters.partitionLags(() -> lag);
        run(meters, 10, null, 0, 0);
        lag.put(1, 5_000L); // the stream thread of partition 1 is stuck: gate's frames wait there
        run(meters, 6, "gate", 0, 0);
        assertThat(value("framewise_camera_behind{camera=\"gate\"}")).isOne();
        assertThat(value("framewise_camera_stalled{camera=\"gate\"}")).isZero();
        assertThat(logLines()).singleElement().asString().contains("lag 5000").contains("the pipeline is behind");
    }

    @Test
    void aCameraDroppingBelowTheFractionOfItsRateIsReportedAndADeclaredRateWins() {
        CameraMeters meters = stallMeters();
        meters.partitionLags(() -> NOTHING_WAITS);
        run(meters, 10, null, 0, 0);
        run(meters, 8, "dock", 0, 2.0); // dock at 2 fps instead of 10
        assertThat(value("framewise_camera_stalled{camera=\"dock\"}")).isOne();
        assertThat(value("framewise_camera_input_fps{camera=\"dock\"}")).isCloseTo(2.0, offset(0.6));

        meters.arrived("declared", 3, 0, "25");
        assertThat(value("framewise_camera_expected_fps{camera=\"declared\"}")).isEqualTo(25.0);
        meters.arrived("nonsense", 3, 0, "-3e400");
        assertThat(value("framewise_camera_expected_fps{camera=\"nonsense\"}")).isZero();
    }

    @Test
    void aCameraWhosePartitionLeftThisInstanceIsNotReportedHere() {
        CameraMeters meters = stallMeters();
        meters.partitionLags(Map::of); // no lag known for any partition
        run(meters, 10, null, 0, 0);
        meters.partitionClosed(1); // gate's partition moved to another instance: its frames stop arriving here
        run(meters, 8, "gate", 0, 0);
        assertThat(value("framewise_camera_stalled{camera=\"gate\"}")).isZero();
        assertThat(logLines()).isEmpty();
    }
}
