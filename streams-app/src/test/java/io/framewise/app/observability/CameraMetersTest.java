package io.framewise.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.framewise.schema.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class CameraMetersTest {
    private static final long SECOND = 1_000_000_000L;
    private final long[] now = {0};
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private List<String> cameraSeries() {
        return registry.scrape().lines().filter(l -> l.startsWith("framewise_camera_")).toList();
    }

    @Test
    void tenThousandCameraIdsStayWithinTheDocumentedBoundAndNoOutcomeIsLost() {
        CameraMeters meters = new CameraMeters(registry, 100, 600 * SECOND, () -> now[0]);
        for (int i = 0; i < 10_000; i++) {
            meters.event("cam-" + i, Status.OK);
            now[0] += 1_000_000; // 1,000 cameras a second
        }
        List<String> series = cameraSeries();
        assertThat(series).hasSizeLessThanOrEqualTo((100 + 1) * 5);
        assertThat(series).contains("framewise_camera_events_total{camera=\"cam-0\",status=\"ok\"} 1.0",
                "framewise_camera_events_total{camera=\"cam-99\",status=\"ok\"} 1.0",
                "framewise_camera_events_total{camera=\"_other\",status=\"ok\"} 9900.0");
        assertThat(series).noneMatch(l -> l.contains("camera=\"cam-100\""));
        assertThat(meters.tracked()).isEqualTo(100);
    }

    @Test
    void anIdleCameraIsForgottenAndItsPlaceGoesToTheNextNewOne() {
        CameraMeters meters = new CameraMeters(registry, 2, 60 * SECOND, () -> now[0]);
        meters.event("lobby", Status.OK);
        meters.event("gate", Status.SKIPPED_LATE);
        meters.event("dock", Status.OK); // no room: counted under _other
        assertThat(cameraSeries()).anyMatch(l -> l.startsWith("framewise_camera_events_total{camera=\"_other\",status=\"ok\"} 1.0"));

        now[0] += 30 * SECOND;
        meters.event("gate", Status.OK);
        assertThat(cameraSeries()).contains("framewise_camera_last_seen_age_seconds{camera=\"lobby\"} 30.0",
                "framewise_camera_last_seen_age_seconds{camera=\"gate\"} 0.0");

        now[0] += 31 * SECOND; // lobby silent for 61 s, gate for 31 s
        meters.deadLetter("dock");
        assertThat(cameraSeries()).noneMatch(l -> l.contains("camera=\"lobby\""))
                .contains("framewise_camera_dead_letters_total{camera=\"dock\"} 1.0",
                        "framewise_camera_events_total{camera=\"gate\",status=\"skipped_late\"} 1.0");
        assertThat(meters.tracked()).isEqualTo(2);
    }

    @Test
    void whatAPublisherPutsInACameraIdIsCutAndEscapedBeforeItReachesTheEndpoint() {
        CameraMeters meters = new CameraMeters(registry, 10, 60 * SECOND, () -> now[0]);
        String prefix = "x".repeat(100);
        meters.event(prefix + "a", Status.OK);
        meters.event(prefix + "b", Status.OK);
        meters.event("evil\"}\nfake_metric 1", Status.OK);
        List<String> series = cameraSeries();
        assertThat(series).noneMatch(l -> l.startsWith("fake_metric"));
        assertThat(registry.scrape()).doesNotContain("\nfake_metric");
        List<String> longLabels = series.stream().filter(l -> l.startsWith("framewise_camera_dead_letters_total{camera=\"xxx"))
                .toList();
        assertThat(longLabels).hasSize(2).allSatisfy(l -> assertThat(l.substring(l.indexOf('"') + 1, l.indexOf("\"}")))
                .hasSize(CameraMeters.MAX_LABEL));
        assertThat(CameraMeters.label(prefix + "a")).isNotEqualTo(CameraMeters.label(prefix + "b"));
    }
}
