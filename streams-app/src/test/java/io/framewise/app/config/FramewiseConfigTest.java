package io.framewise.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.framewise.inference.InferenceOptions;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FramewiseConfigTest {
    @TempDir
    Path temp;

    @Test
    void fileThenEnvironmentThenCommandLine() throws IOException {
        Path file = temp.resolve("framewise.properties");
        Files.writeString(file, "framewise.latency.budget.ms=100\nframewise.top.k=2\nbootstrap.servers=file:9092\nnum.stream.threads=4\n");
        Map<String, String> env = Map.of("FRAMEWISE_TOP_K", "3", "FRAMEWISE_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "PATH", "/usr/bin", "FRAMEWISE_LOG_LEVEL", "DEBUG");
        Map<String, Object> settings = ConfigSources.resolve(file, env, Map.of("framewise.top.k", "7"));
        FramewiseConfig config = new FramewiseConfig(settings);
        assertThat(config.latencyBudgetMs()).isEqualTo(100);
        assertThat(config.topK()).isEqualTo(7);
        assertThat(config.streamsProperties()).containsEntry("bootstrap.servers", "env:9092")
                .containsEntry("num.stream.threads", "4").doesNotContainKey("path").doesNotContainKey("framewise.log.level");
    }

    @Test
    void kafkaPropertiesPassThroughAndTheDeadLetterTopicIsWiredIn() {
        FramewiseConfig config = new FramewiseConfig(Map.of("security.protocol", "SASL_SSL",
                "framewise.dead.letter.topic", "bad-frames", "processing.guarantee", "exactly_once_v2"));
        assertThat(config.streamsProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("errors.dead.letter.queue.topic.name", "bad-frames")
                .containsEntry("application.id", "framewise")
                .doesNotContainKey("framewise.dead.letter.topic");
    }

    @Test
    void invalidValuesAndUnknownFramewiseKeysAreRefusedByName() {
        assertThatThrownBy(() -> new FramewiseConfig(Map.of("framewise.latency.budget.ms", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("framewise.latency.budget.ms");
        assertThatThrownBy(() -> new FramewiseConfig(Map.of("framewise.top.k", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("framewise.top.k");
        assertThatThrownBy(() -> new FramewiseConfig(Map.of("framewise.latency.budget", "5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown framewise setting")
                .hasMessageContaining("framewise.latency.budget.ms");
        assertThatThrownBy(() -> new FramewiseConfig(Map.of("framewise.inference.preferred.batch.size", "16")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("framewise.inference.preferred.batch.size")
                .hasMessageContaining("at most framewise.inference.max.batch.size (8)");
        assertThat(new FramewiseConfig(Map.of("framewise.inference.preferred.batch.size", "16",
                "framewise.inference.max.batch.size", "16")).preferredBatchSize()).isEqualTo(16);
    }

    @Test
    void aMisspeltKafkaKeyIsRefusedWithTheNearestKnownOne() {
        // Kafka only logs "supplied but not used": the user believed they ran exactly-once and ran at-least-once
        assertThatThrownBy(() -> new FramewiseConfig(Map.of("procesing.guarantee", "exactly_once_v2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("procesing.guarantee")
                .hasMessageContaining("did you mean 'processing.guarantee'?");
        assertThatThrownBy(() -> new FramewiseConfig(Map.of("consumer.sesion.timeout.ms", "6000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'consumer.session.timeout.ms'?");
        assertThatThrownBy(() -> new FramewiseConfig(Map.of("framewise.latency.budjet.ms", "5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'framewise.latency.budget.ms'?");
        assertThatThrownBy(() -> new FramewiseConfig(Map.of("completely.unrelated", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting").hasMessageNotContaining("did you mean");
    }

    @Test
    void everyKindOfKafkaKeyIsTakenWithOrWithoutItsClientPrefix() {
        Map<String, Object> settings = Map.of("bootstrap.servers", "k:9092", "processing.guarantee", "exactly_once_v2",
                "consumer.session.timeout.ms", "6000", "main.consumer.max.poll.records", "50", "producer.linger.ms", "5",
                "admin.request.timeout.ms", "9000", "topic.retention.ms", "3600000", "sasl.mechanism", "SCRAM-SHA-512",
                "security.protocol", "SASL_SSL", "group.protocol", "streams");
        assertThat(new FramewiseConfig(settings).streamsProperties()).containsEntry("producer.linger.ms", "5");
    }

    @Test
    void theDeadLetterHandlerNamedByClassIsBothOfKafkaStreamsHandlers() throws ClassNotFoundException {
        // named as a string (the configuration may not import the topology): a rename must fail here, not at start
        Class<?> handler = Class.forName(FramewiseConfig.DEAD_LETTER_HANDLER);
        assertThat(DeserializationExceptionHandler.class).isAssignableFrom(handler);
        assertThat(ProcessingExceptionHandler.class).isAssignableFrom(handler);
        assertThat(new FramewiseConfig(Map.of()).streamsProperties())
                .containsEntry("deserialization.exception.handler", FramewiseConfig.DEAD_LETTER_HANDLER)
                .containsEntry("processing.exception.handler", FramewiseConfig.DEAD_LETTER_HANDLER);
    }

    @Test
    void eventsLeaveTheProducerAsSoonAsTheyAreReadyUnlessTold() {
        // Kafka Streams' own default is 100 ms, the clients' 5 ms: each would add that much to every event's latency
        assertThat(new FramewiseConfig(Map.of()).streamsProperties()).containsEntry("producer.linger.ms", 0);
        assertThat(new FramewiseConfig(Map.of("producer.linger.ms", "20")).streamsProperties())
                .containsEntry("producer.linger.ms", "20");
    }

    @Test
    void tasksDoNotIdleForOtherPartitionsUnlessTold() {
        // one input topic, one partition per task: nothing to wait for, and idling costs the stream thread CPU
        assertThat(new FramewiseConfig(Map.of()).streamsProperties()).containsEntry("max.task.idle.ms", -1L);
        assertThat(new FramewiseConfig(Map.of("max.task.idle.ms", "200")).streamsProperties())
                .containsEntry("max.task.idle.ms", "200");
    }

    @Test
    void streamThreadsAreOnePerCoreAtMostFourUnlessTold() {
        // each thread wakes every poll.ms whether frames come or not: 16 of them took a tenth of a core more than 2
        assertThat(FramewiseConfig.defaultStreamThreads(1)).isEqualTo(1);
        assertThat(FramewiseConfig.defaultStreamThreads(2)).isEqualTo(2);
        assertThat(FramewiseConfig.defaultStreamThreads(64)).isEqualTo(4);
        assertThat(new FramewiseConfig(Map.of()).streamsProperties()).containsEntry("num.stream.threads",
                FramewiseConfig.defaultStreamThreads(Runtime.getRuntime().availableProcessors()));
        assertThat(new FramewiseConfig(Map.of("num.stream.threads", "16")).streamsProperties())
                .containsEntry("num.stream.threads", "16");
    }

    @Test
    void atLeastOnceCommitsEverySecondUnlessTold() {
        // a crash under at_least_once replays every frame since the last commit: Kafka Streams' 30 s there was 30 s
        // of every camera's frames answered twice
        assertThat(new FramewiseConfig(Map.of()).streamsProperties()).containsEntry("commit.interval.ms", 1_000L);
        assertThat(new FramewiseConfig(Map.of("commit.interval.ms", "5000")).streamsProperties())
                .containsEntry("commit.interval.ms", "5000");
        assertThat(new FramewiseConfig(Map.of("processing.guarantee", "exactly_once_v2")).streamsProperties())
                .as("exactly-once keeps Kafka Streams' own 100 ms").doesNotContainKey("commit.interval.ms");
    }

    @Test
    void theReferenceTableDocumentsEverySetting() {
        String table = FramewiseConfig.markdownTable();
        for (String name : FramewiseConfig.CONFIG.names()) {
            assertThat(table).contains("`" + name + "`");
        }
    }

    @Test
    void onlyKnownSettingsAreTakenFromTheEnvironmentAndTheProgramsOwnVariablesAreLeftAlone() {
        Map<String, String> env = Map.of("FRAMEWISE_LATENCY_BUDGET_MS", "250", "FRAMEWISE_CACHE", "/tmp/x",
                "FRAMEWISE_REFERENCE", "/tmp/y", "FRAMEWISE_KAFKA_BOOTSTRAP_SERVERS", "k:9092", "PATH", "/bin");
        Map<String, String> settings = ConfigSources.fromEnvironment(env);
        assertThat(settings).containsOnly(Map.entry("framewise.latency.budget.ms", "250"),
                Map.entry("bootstrap.servers", "k:9092"));
        // and what is taken builds a valid configuration (this failed with "unknown framewise setting" before)
        new FramewiseConfig(new HashMap<>(settings));
    }

    @Test
    void theReadmesConfigurationTableIsTheGeneratedOne() throws IOException {
        // Maven runs the tests in the module directory; the README is the repository's own
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme).as("README.md's configuration table; regenerate it with ./framewise config")
                .contains(FramewiseConfig.markdownTable());
    }

    @Test
    void anInferenceTimeoutThatWouldOutliveThePollIntervalIsRefused() {
        assertThatThrownBy(() -> new FramewiseConfig(Map.of(FramewiseConfig.INFERENCE_TIMEOUT_MS_CONFIG, "400000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max.poll.interval.ms");
        assertThatThrownBy(() -> new FramewiseConfig(Map.of(FramewiseConfig.INFERENCE_TIMEOUT_MS_CONFIG, "20000",
                "consumer.max.poll.interval.ms", "10000"))).isInstanceOf(ConfigException.class);
        new FramewiseConfig(Map.of(FramewiseConfig.INFERENCE_TIMEOUT_MS_CONFIG, "20000"));
    }

    @Test
    void everyValidatorDescribesItselfInTheReferenceTable() {
        String table = FramewiseConfig.markdownTable();
        assertThat(table).doesNotContain("$$Lambda").doesNotContain("@");
        assertThat(table).contains("-1 (the broker's default) or [1,...]");
    }

    @Test
    void severalModelInstancesRunOnOneIntraOpThreadEachUnlessTheUserSaysOtherwise() {
        FramewiseConfig two = new FramewiseConfig(Map.of(FramewiseConfig.INSTANCES_CONFIG, 2));
        assertThat(two.inferenceInstances()).isEqualTo(2);
        assertThat(two.effectiveIntraOpThreads()).isEqualTo(1);
        assertThat(two.effectiveInterOpThreads()).as("each instance runs its batch's operations itself")
                .isEqualTo(InferenceOptions.CALLER_THREAD);
        FramewiseConfig one = new FramewiseConfig(Map.of(FramewiseConfig.INSTANCES_CONFIG, 1));
        assertThat(one.effectiveIntraOpThreads()).as("TensorFlow's own choice, as before").isZero();
        assertThat(one.effectiveInterOpThreads()).isZero();
        FramewiseConfig told = new FramewiseConfig(Map.of(FramewiseConfig.INSTANCES_CONFIG, 2,
                FramewiseConfig.INTRA_OP_THREADS_CONFIG, 3, FramewiseConfig.INTER_OP_THREADS_CONFIG, 5));
        assertThat(told.effectiveIntraOpThreads()).isEqualTo(3);
        assertThat(told.effectiveInterOpThreads()).isEqualTo(5);
        assertThat(new FramewiseConfig(Map.of()).inferenceInstances()).as("default: one per core")
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
