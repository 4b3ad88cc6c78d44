package io.framewise.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.framewise.app.FramewiseApplication;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.Observability;
import io.framewise.app.observability.OperationsServer;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.Pacer;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that every query of the Grafana dashboard ({@code grafana/framewise.json}) returns data: a real Prometheus
 * (Debian's package) scrapes a running instance on 127.0.0.1 every second while cameras publish frames (some too
 * old to make their budget, some records that are no frame), and each panel's PromQL, with the dashboard's variables
 * set as Grafana sets them, is evaluated through Prometheus' HTTP API. A query that is empty, fails to parse or
 * names a metric the instance does not export fails the test. It also reports the size of a scrape and how long
 * Prometheus took to scrape it under that load.
 */
class DashboardIT {
    static final Path DASHBOARD = Path.of("grafana", "framewise.json");
    static final Path ALERTS = Path.of("prometheus", "framewise-alerts.yaml");
    static final Path ALERTS_TEST = Path.of("prometheus", "framewise-alerts-test.yaml");
    /** The camera that stops publishing part way, for the stall detector, its panels and its alert. */
    static final String STOPPING_CAMERA = "cam-2";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void everyPanelQueryReturnsDataFromARealPrometheusScrapingARunningInstance() throws Exception {
        String prometheus = Commands.require("prometheus", "prometheus");
        JsonNode dashboard = json.readTree(DASHBOARD.toFile());
        try (BrokerFixture fixture = new BrokerFixture().start()) {
            Map<String, Object> settings = fixture.settings("dashboard");
            settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "5000");
            settings.put(FramewiseConfig.METRICS_CAMERA_STALL_MS_CONFIG, "3000");
            FramewiseConfig config = new FramewiseConfig(settings);
            try (Observability observability = new Observability(config);
                 OperationsServer server = OperationsServer.start("127.0.0.1", 0, observability.registry(), observability.health());
                 ServedModels models = ModelLoader.load(config, fixture.model())) {
                FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(),
                        Duration.ofSeconds(60), observability);
                AtomicBoolean publishing = new AtomicBoolean(true);
                Thread cameras = new Thread(() -> publish(fixture.client(), config.inputTopic(), publishing), "cameras");
                Process scraper = null;
                try {
                    cameras.start();
                    int apiPort = TestHost.freePort();
                    scraper = startPrometheus(prometheus, server.port(), apiPort);
                    String api = "http://127.0.0.1:" + apiPort;
                    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                            .until(() -> get(api + "/-/ready").statusCode() == 200);
                    // enough scrapes for rate() over the 30 s window Grafana would pick, with frames of every kind
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                            !query(api, "framewise_events_total{status=\"skipped_late\"} > 0").isEmpty()
                                    && !query(api, "framewise_camera_stalled{camera=\"" + STOPPING_CAMERA + "\"} == 1").isEmpty()
                                    && !query(api, "kafka_stream_task_dropped_records_total > 0").isEmpty()
                                    && !query(api, "kafka_consumer_fetch_manager_records_lag").isEmpty());
                    TimeUnit.SECONDS.sleep(5);

                    List<String> report = new ArrayList<>();
                    for (String application : labelValues(api, "application", "framewise_ready")) {
                        report.add("variable application: " + application);
                    }
                    assertThat(labelValues(api, "application", "framewise_ready")).contains(config.applicationId());
                    for (JsonNode panel : panels(dashboard)) {
                        for (JsonNode target : panel.path("targets")) {
                            String expr = grafanaVariables(target.path("expr").asText(), config.applicationId());
                            JsonNode result = query(api, expr);
                            assertThat(result).as("panel '%s' query %s returned no data", panel.path("title").asText(), expr)
                                    .isNotEmpty();
                            assertThat(finiteValues(result)).as("panel '%s' query %s: %s", panel.path("title").asText(), expr, result)
                                    .isPositive();
                            report.add(panel.path("title").asText() + " [" + target.path("refId").asText() + "] "
                                    + result.size() + " series: " + target.path("expr").asText());
                        }
                    }
                    // the alert rules, loaded by this Prometheus: both healthy, and the stopped camera's alert raised
                    // (pending for the rule's minute, then firing) for it alone
                    await().atMost(Duration.ofSeconds(30)).until(() -> stalledAlertCameras(api).contains(STOPPING_CAMERA));
                    assertThat(stalledAlertCameras(api)).containsExactly(STOPPING_CAMERA);
                    report.add("alert FramewiseCameraStalled raised for " + stalledAlertCameras(api));

                    JsonNode duration = query(api, "scrape_duration_seconds{job=\"framewise\"}");
                    JsonNode samples = query(api, "scrape_samples_scraped{job=\"framewise\"}");
                    JsonNode maxDuration = query(api, "max_over_time(scrape_duration_seconds{job=\"framewise\"}[1m])");
                    int bytes = get("http://127.0.0.1:" + server.port() + "/metrics").body().getBytes(StandardCharsets.UTF_8).length;
                    report.add(String.format("scrape under load: %d bytes, %s samples, last scrape %.1f ms, slowest in the last minute %.1f ms",
                            bytes, value(samples), Double.parseDouble(value(duration)) * 1000, Double.parseDouble(value(maxDuration)) * 1000));
                    System.out.println("DashboardIT:\n  " + String.join("\n  ", report));
                } finally {
                    publishing.set(false);
                    cameras.join(10_000);
                    if (scraper != null) {
                        scraper.destroy();
                        scraper.waitFor(10, TimeUnit.SECONDS);
                    }
                    app.stop(Duration.ofSeconds(30));
                }
            }
        }
    }

    @Test
    void theAlertRulesPassTheirPromtoolUnitTests() throws Exception {
        String promtool = Commands.require("promtool", "prometheus");
        Process p = new ProcessBuilder(promtool, "test", "rules", ALERTS_TEST.getFileName().toString())
                .directory(ALERTS_TEST.getParent().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    /** The cameras for which FramewiseCameraStalled is pending or firing, after checking every rule is healthy. */
    private List<String> stalledAlertCameras(String api) throws Exception {
        JsonNode groups = json.readTree(get(api + "/api/v1/rules").body()).path("data").path("groups");
        List<String> cameras = new ArrayList<>();
        int rules = 0;
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                rules++;
                assertThat(rule.path("health").asText()).as("rule %s: %s", rule.path("name").asText(),
                        rule.path("lastError").asText()).isEqualTo("ok");
                if (rule.path("name").asText().equals("FramewiseCameraStalled")) {
                    rule.path("alerts").forEach(a -> cameras.add(a.path("labels").path("camera").asText()));
                }
            }
        }
        assertThat(rules).as("rules loaded from " + ALERTS).isEqualTo(2);
        return cameras;
    }

    /** Every panel with queries, those inside rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            if (p.has("targets")) {
                all.add(p);
            }
            for (JsonNode inner : p.path("panels")) {
                all.add(inner);
            }
        }
        return all;
    }

    /** What Grafana sends for the dashboard's variables: this application, all instances, a 30 s rate window. */
    static String grafanaVariables(String expr, String application) {
        return expr.replace("$__rate_interval", "30s").replace("$application", application).replace("$instance", ".*");
    }

    private Process startPrometheus(String prometheus, int targetPort, int apiPort) throws Exception {
        Path config = temp.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - '" + ALERTS.toAbsolutePath() + "'",
                "scrape_configs:",
                "  - job_name: framewise",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + targetPort + "']",
                ""));
        return new ProcessBuilder(prometheus, "--config.file=" + config, "--storage.tsdb.path=" + temp.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + apiPort, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(temp.resolve("prometheus.log").toFile()).start();
    }

    private static void publish(Map<String, Object> client, String topic, AtomicBoolean publishing) {
        // one frame in ten comes from a camera whose frames were captured a minute ago: it cannot make its 5 s
        // budget (skipped_late)
        try (FramePublisher live = new FramePublisher(client, topic, Clock.systemUTC());
             FramePublisher late = new FramePublisher(client, topic, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-60)))) {
            Pacer pacer = new Pacer(10);
            for (long i = 0; publishing.get(); i++) {
                pacer.awaitFrame(i);
                for (int c = 0; c < 2; c++) {
                    (i % 10 == 9 ? late : live).sendFrame("cam-" + c, i, Codec.JPEG, TestFrames.jpeg(320, 240, c, i), 320, 240,
                            Map.of());
                }
                if (i < 100) { // 10 s at 10 fps (its rate learnt, a whole window seen), then it stops
                    live.sendFrame(STOPPING_CAMERA, i, Codec.JPEG, TestFrames.jpeg(320, 240, 2, i), 320, 240, Map.of());
                }
                if (i % 20 == 0) {
                    live.send("broken", i, new byte[] {1, 2, 3});
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode query(String api, String expr) throws Exception {
        HttpResponse<String> r = get(api + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("status").asText()).as("%s: %s", expr, r.body()).isEqualTo("success");
        return body.path("data").path("result");
    }

    private List<String> labelValues(String api, String label, String match) throws Exception {
        JsonNode body = json.readTree(get(api + "/api/v1/label/" + label + "/values?match[]="
                + URLEncoder.encode(match, StandardCharsets.UTF_8)).body());
        List<String> values = new ArrayList<>();
        body.path("data").forEach(v -> values.add(v.asText()));
        return values;
    }

    private static long finiteValues(JsonNode result) {
        long n = 0;
        for (JsonNode series : result) {
            double v = Double.parseDouble(series.path("value").get(1).asText());
            if (Double.isFinite(v)) {
                n++;
            }
        }
        return n;
    }

    private static String value(JsonNode result) {
        return result.get(0).path("value").get(1).asText();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
