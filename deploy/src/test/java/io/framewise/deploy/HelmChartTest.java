package io.framewise.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.framewise.app.FramewiseApplication;
import io.framewise.app.config.FramewiseConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart ({@code helm/framewise}), with Helm itself (helm-java embeds it): linted and rendered in its default
 * configuration and with every optional part on ({@code ci/full-values.yaml}); every rendered object validated
 * against the Kubernetes, KEDA and Prometheus Operator schemas (the npm {@code kubernetes-models} packages, run by
 * Node.js); and what the product relies on checked in the objects: probes on the health endpoints, a grace period
 * longer than the shutdown path, settings framewise accepts, the autoscaler on the right group and topic.
 */
class HelmChartTest {
    static final Path CHART = Path.of("helm", "framewise");
    static final Path FULL_VALUES = CHART.resolve("ci").resolve("full-values.yaml");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path validator;

    @TempDir
    Path temp;

    /** Installs the schema packages once, from the committed lockfile, into target/. */
    @BeforeAll
    static void installSchemas() throws Exception {
        String npm = Commands.require("npm", "nodejs npm");
        Commands.require("node", "nodejs");
        validator = Path.of("target", "k8s-schemas");
        Files.createDirectories(validator);
        for (String file : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(Path.of("src", "test", "k8s-schemas", file), validator.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(validator.resolve("node_modules").resolve("kubernetes-models"))) {
            Commands.check(Duration.ofMinutes(5), npm, "ci", "--no-audit", "--no-fund", "--prefix", validator.toString());
        }
    }

    @Test
    void lintsCleanInTheDefaultAndTheFullyFeaturedConfiguration() throws Exception {
        LintResult defaults = new Helm(CHART).lint().strict().call();
        assertThat(defaults.isFailed()).as(String.join("\n", defaults.getMessages())).isFalse();
        LintResult full = new Helm(chartWithValues(FULL_VALUES)).lint().strict().call();
        assertThat(full.isFailed()).as(String.join("\n", full.getMessages())).isFalse();
    }

    @Test
    void theDefaultConfigurationRendersValidObjectsWithProbesGracePeriodAndPdb() throws Exception {
        List<JsonNode> objects = render(null);
        assertThat(validate(objects)).hasSize(objects.size());
        assertThat(kinds(objects)).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service", "Deployment",
                "PodDisruptionBudget");

        JsonNode deployment = one(objects, "Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(9400);
        assertThat(pod.at("/terminationGracePeriodSeconds").asLong())
                .as("the grace period outlasts framewise run's own stop timeout")
                .isGreaterThan(FramewiseApplication.SHUTDOWN_TIMEOUT.toSeconds() + 10);
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(mountPaths(container)).contains("/var/lib/framewise", "/tmp", "/models", "/etc/framewise/config");
        assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("4Gi");
        assertThat(one(objects, "PodDisruptionBudget").at("/spec/maxUnavailable").asInt()).isEqualTo(1);

        FramewiseConfig config = configOf(objects);
        assertThat(config.applicationId()).isEqualTo("framewise");
        assertThat(config.httpPort()).isEqualTo(9400);
        assertThat(config.modelDir()).isEqualTo("/models/current");
        assertThat(one(objects, "ConfigMap").at("/data/framewise.properties").asText())
                .as("stream threads left to framewise: one per core the container may use").doesNotContain("num.stream.threads");
    }

    @Test
    void theFullConfigurationRendersValidObjectsAndScalesOnTheFramesTopicsLagUpToItsPartitions() throws Exception {
        List<JsonNode> objects = render(FULL_VALUES);
        assertThat(validate(objects)).hasSize(objects.size());
        assertThat(kinds(objects)).contains("ScaledObject", "TriggerAuthentication", "ServiceMonitor");

        JsonNode deployment = one(objects, "Deployment");
        assertThat(deployment.at("/spec/replicas").isMissingNode()).as("KEDA owns the replica count").isTrue();
        JsonNode pod = deployment.at("/spec/template/spec");
        assertThat(pod.at("/initContainers/0/image").asText()).isEqualTo("registry.example.com/video/models:efficientformer-l3");
        assertThat(pod.at("/volumes").findValuesAsText("secretName")).contains("framewise-kafka-tls");
        List<String> env = pod.at("/containers/0/env").findValuesAsText("name");
        assertThat(env).contains("FRAMEWISE_KAFKA_SASL_JAAS_CONFIG", "FRAMEWISE_KAFKA_SSL_TRUSTSTORE_PASSWORD");

        JsonNode scaled = one(objects, "ScaledObject");
        JsonNode trigger = scaled.at("/spec/triggers/0");
        assertThat(trigger.at("/type").asText()).isEqualTo("kafka");
        assertThat(trigger.at("/metadata/consumerGroup").asText()).as("the group is Kafka Streams' application.id")
                .isEqualTo("cameras-eu-1");
        assertThat(trigger.at("/metadata/topic").asText()).isEqualTo("camera-frames");
        assertThat(trigger.at("/metadata/sasl").asText()).isEqualTo("scram_sha512");
        assertThat(scaled.at("/spec/maxReplicaCount").asInt()).as("capped at the partition count").isEqualTo(12);
        assertThat(scaled.at("/spec/scaleTargetRef/name").asText()).isEqualTo(deployment.at("/metadata/name").asText());

        FramewiseConfig config = configOf(objects);
        assertThat(config.applicationId()).isEqualTo("cameras-eu-1");
        assertThat(config.inputTopic()).isEqualTo("camera-frames");
        assertThat(config.latencyBudgetMs()).isEqualTo(500);
        assertThat(config.pipelineDepth()).isEqualTo(8);
        assertThat(config.streamsProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.location", "/etc/framewise/tls/truststore.p12")
                .containsEntry("commit.interval.ms", "200").containsEntry("num.stream.threads", "2");
    }

    @Test
    void refusesMoreReplicasThanPartitionsAndSaslWithoutItsSecret() {
        assertThatThrownBy(() -> template()
                .set("autoscaling.keda.enabled", true).set("autoscaling.keda.maxReplicas", 7).call())
                .hasMessageContaining("autoscaling.keda.maxReplicas (7) exceeds the frames topic's partitions (6)");
        assertThatThrownBy(() -> template()
                .set("kafka.security.protocol", "SASL_SSL").set("kafka.security.tls.existingSecret", "tls").call())
                .hasMessageContaining("kafka.security.sasl.existingSecret is required with SASL");
        assertThatThrownBy(() -> template()
                .set("kafka.security.protocol", "TLS").call())
                .hasMessageContaining("protocol");
    }

    /** helm template for the release "framewise" in namespace "video" of a Kubernetes 1.30 cluster. */
    private static TemplateCommand template() {
        return new Helm(CHART).template().withName("framewise").withNamespace("video").withKubeVersion("v1.30.0");
    }

    /** The chart rendered as the release "framewise", with the values file given (null: the chart's defaults). */
    private static List<JsonNode> render(Path values) throws IOException {
        var template = template();
        if (values != null) {
            template = template.withValuesFile(values);
        }
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(template.call())) {
            for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    objects.add(doc);
                }
            }
        }
        return objects;
    }

    /** Validates the objects with the schema packages; returns the validator's line per object. */
    private List<String> validate(List<JsonNode> objects) throws Exception {
        Path file = temp.resolve("objects-" + System.nanoTime() + ".json");
        JSON.writeValue(file.toFile(), objects);
        Commands.Result r = Commands.run(Duration.ofMinutes(2), List.of(Commands.require("node", "nodejs"),
                validator.resolve("validate.mjs").toString(), file.toAbsolutePath().toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output().lines().filter(l -> l.startsWith("VALID ")).toList();
    }

    /** A copy of the chart whose values.yaml is its own overlaid with {@code overrides} (helm lint takes no -f). */
    private Path chartWithValues(Path overrides) throws IOException {
        Path copy = temp.resolve("chart").resolve("framewise");
        try (var paths = Files.walk(CHART)) {
            for (Path p : paths.toList()) {
                Path target = copy.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        ObjectNode values = (ObjectNode) YAML.readTree(CHART.resolve("values.yaml").toFile());
        YAML.readerForUpdating(values).readValue(overrides.toFile());
        YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
        return copy;
    }

    /** The settings framewise reads from the chart's ConfigMap, as FramewiseConfig parses them (or rejects them). */
    private static FramewiseConfig configOf(List<JsonNode> objects) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(one(objects, "ConfigMap").at("/data/framewise.properties").asText()));
        Map<String, Object> settings = new HashMap<>();
        properties.forEach((k, v) -> settings.put((String) k, v));
        return new FramewiseConfig(settings);
    }

    private static List<String> kinds(List<JsonNode> objects) {
        return objects.stream().map(o -> o.path("kind").asText()).toList();
    }

    private static List<String> mountPaths(JsonNode container) {
        return container.path("volumeMounts").findValuesAsText("mountPath");
    }

    private static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        assertThat(found).as("objects of kind %s", kind).hasSize(1);
        return found.get(0);
    }
}
