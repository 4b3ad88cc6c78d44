package io.framewise.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.framewise.app.config.FramewiseConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperationsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Observability observability;
    private OperationsServer server;

    @BeforeEach
    void start() throws IOException {
        observability = new Observability(new FramewiseConfig(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "test-app")));
        server = OperationsServer.start("127.0.0.1", 0, observability.registry(), observability.health());
    }

    @AfterEach
    void stop() {
        server.close();
        observability.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void liveFromTheStartButReadyOnlyWhileRunning() throws Exception {
        InstanceHealth health = observability.health();
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health/ready")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("LOADING_MODEL\n");
        });
        health.phase(InstanceHealth.Phase.WARMING_UP);
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        health.streamsState(KafkaStreams.State.REBALANCING);
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        health.streamsState(KafkaStreams.State.RUNNING);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        health.streamsState(KafkaStreams.State.REBALANCING);
        assertThat(get("/health/ready").body()).isEqualTo("REBALANCING\n");
        health.streamsState(KafkaStreams.State.RUNNING);
        health.streamsState(KafkaStreams.State.PENDING_SHUTDOWN);
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void aFailedInstanceIsNeitherReadyNorLiveAndStaysFailed() throws Exception {
        InstanceHealth health = observability.health();
        health.streamsState(KafkaStreams.State.RUNNING);
        health.streamsState(KafkaStreams.State.PENDING_ERROR);
        health.streamsState(KafkaStreams.State.NOT_RUNNING);
        assertThat(get("/health/live").statusCode()).isEqualTo(503);
        assertThat(get("/health/ready").body()).isEqualTo("FAILED\n");
    }

    @Test
    void metricsAreThePrometheusTextFormatWithJvmProcessAndReadinessMeters() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(OperationsServer.TEXT_FORMAT);
        assertThat(r.body())
                .contains("# TYPE jvm_memory_used_bytes gauge")
                .contains("process_resident_memory_bytes{application=\"test-app\"}")
                .contains("framewise_javacpp_bytes{application=\"test-app\"}")
                .contains("framewise_ready{application=\"test-app\"} 0.0")
                .contains("# TYPE framewise_stage_latency_seconds histogram");
        double rss = Double.parseDouble(r.body().lines().filter(l -> l.startsWith("process_resident_memory_bytes{"))
                .findFirst().orElseThrow().replaceAll(".* ", ""));
        assertThat(rss).as("resident memory of a JVM").isGreaterThan(10e6);
        observability.health().streamsState(KafkaStreams.State.RUNNING);
        assertThat(get("/metrics").body()).contains("framewise_ready{application=\"test-app\"} 1.0");
    }

    @Test
    void eachEndpointIsItsPathAloneAndAnswersOnlyGetAndHead() throws Exception {
        // the JDK's server matches by prefix: /health/ready/extra answered 200, and so did a DELETE
        observability.health().phase(InstanceHealth.Phase.WARMING_UP);
        observability.health().streamsState(KafkaStreams.State.RUNNING);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/health/ready?verbose=1").statusCode()).isEqualTo(200);
        assertThat(get("/health/ready/extra").statusCode()).isEqualTo(404);
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/").statusCode()).isEqualTo(404);
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health/live"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAre404AndATakenPortIsAClearError() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> OperationsServer.start("127.0.0.1", server.port(), observability.registry(),
                observability.health())).isInstanceOf(IOException.class);
    }
}
