package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class PublishCommandTest {
    private static final Map<String, Object> CLIENT = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");

    @Test
    void batchesAreNoLargerThanATopicWithASmallLimitTakes() {
        // a batch over max.message.bytes is refused whole and split by the producer
        assertThat(PublishCommand.producerSettings(CLIENT, 3000)).containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 3000)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    }

    @Test
    void theProducersDefaultsStayForUsualTopicsAndWhenTheLimitIsUnknown() {
        assertThat(PublishCommand.producerSettings(CLIENT, 1_048_588)).doesNotContainKey(ProducerConfig.BATCH_SIZE_CONFIG);
        assertThat(PublishCommand.producerSettings(CLIENT, -1)).doesNotContainKey(ProducerConfig.BATCH_SIZE_CONFIG);
    }

    @Test
    void aBatchSizeTheUserSetIsKept() {
        Map<String, Object> client = Map.of(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        assertThat(PublishCommand.producerSettings(client, 3000)).containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    }
}
