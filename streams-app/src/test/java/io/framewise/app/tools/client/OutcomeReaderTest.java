package io.framewise.app.tools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class OutcomeReaderTest {
    @Test
    void readsCommittedByDefaultAndHonoursTheUsersIsolationLevel() {
        assertThat(OutcomeReader.consumerConfig(Map.of(), true)).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        assertThat(OutcomeReader.consumerConfig(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), true))
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        assertThat(OutcomeReader.consumerConfig(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), false))
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
}
