package io.framewise.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.framewise.app.config.FramewiseConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates framewise's topics when they are missing; existing topics are left as they are. */
public final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {
    }

    public static void ensure(Map<String, Object> adminConfig, FramewiseConfig config) throws BrokerUnavailableException {
        ensure(adminConfig, List.of(config.inputTopic(), config.outputTopic(), config.deadLetterTopic()),
                config.getInt(FramewiseConfig.TOPIC_PARTITIONS_CONFIG), config.getShort(FramewiseConfig.TOPIC_REPLICATION_CONFIG),
                config.getLong(FramewiseConfig.STARTUP_TIMEOUT_MS_CONFIG));
    }

    public static void ensure(Map<String, Object> adminConfig, List<String> names, int partitions, short replication,
                              long timeoutMs) throws BrokerUnavailableException {
        Admin admin = Admin.create(adminConfig);
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : names) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, Optional.of(partitions), Optional.of(replication)));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                LOG.info("created topics {} with {} partitions", missing.stream().map(NewTopic::name).toList(), partitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("no Kafka broker answered at " + adminConfig.get("bootstrap.servers")
                    + " within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException("Kafka at " + adminConfig.get("bootstrap.servers") + " refused: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while creating topics", e);
        } finally {
            // close() alone waits for pending calls' own timeout (default.api.timeout.ms, a minute) after we gave up
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }

    /** Whether {@code topic} exists; throws when the cluster does not answer within {@code timeoutMs}. */
    public static boolean exists(Map<String, Object> adminConfig, String topic, long timeoutMs) throws BrokerUnavailableException {
        Admin admin = Admin.create(adminConfig);
        try {
            return admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).contains(topic);
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("no Kafka broker answered at " + adminConfig.get("bootstrap.servers")
                    + " within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException("Kafka at " + adminConfig.get("bootstrap.servers") + " refused: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while listing topics", e);
        } finally {
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }

    /** The cluster cannot be reached or refuses us; the message says which. */
    public static final class BrokerUnavailableException extends Exception {
        public BrokerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
