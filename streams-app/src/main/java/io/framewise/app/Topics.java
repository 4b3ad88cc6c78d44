package io.framewise.app;

import java.time.Duration;
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
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Topic checks and creation; existing topics are left as they are. */
public final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {
    }

    public static void ensure(Map<String, Object> adminConfig, FramewiseConfig config) throws BrokerUnavailableException {
        ensure(adminConfig, List.of(config.inputTopic(), config.outputTopic(), config.deadLetterTopic()),
                config.topicPartitions(), config.topicReplicationFactor(),
                config.startupTimeoutMs());
    }

    /** Creates whichever of {@code names} are missing. */
    public static void ensure(Map<String, Object> adminConfig, List<String> names, int partitions, short replication,
                              long timeoutMs) throws BrokerUnavailableException {
        withAdmin(adminConfig, timeoutMs, admin -> {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : names) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, Optional.of(partitions), Optional.of(replication)));
                }
            }
            if (missing.isEmpty()) {
                return null;
            }
            try {
                admin.createTopics(missing).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                LOG.info("created topics {} with {} partitions", missing.stream().map(NewTopic::name).toList(), partitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another instance creating them at the same moment is fine
                }
            }
            return null;
        });
    }

    /** Whether {@code topic} exists. */
    public static boolean exists(Map<String, Object> adminConfig, String topic, long timeoutMs) throws BrokerUnavailableException {
        return withAdmin(adminConfig, timeoutMs,
                admin -> admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).contains(topic));
    }

    private interface AdminCall<T> {
        T call(Admin admin) throws ExecutionException, TimeoutException, InterruptedException;
    }

    /**
     * The topic's max.message.bytes, as the cluster applies it (the topic's own or the broker's default); -1 when this
     * client may not describe the topic's configuration (an ACL without DescribeConfigs), which is no reason to stop.
     */
    public static int maxMessageBytes(Map<String, Object> adminConfig, String topic, long timeoutMs)
            throws BrokerUnavailableException {
        return withAdmin(adminConfig, timeoutMs, admin -> {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            try {
                Config config = admin.describeConfigs(List.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS)
                        .get(resource);
                ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                return entry == null || entry.value() == null ? -1 : Integer.parseInt(entry.value().trim());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthorizationException) {
                    LOG.warn("may not read the configuration of topic {} ({}): dead letters are kept within the producer's "
                            + "max.request.size only", topic, e.getCause().getMessage());
                    return -1;
                }
                throw e;
            }
        });
    }

    /** That the cluster answers and accepts this client (its security settings): fails fast and clearly if not. */
    public static void checkReachable(Map<String, Object> adminConfig, long timeoutMs) throws BrokerUnavailableException {
        withAdmin(adminConfig, timeoutMs, admin -> admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS));
    }

    /**
     * Runs one admin call, turning every way the cluster can fail to answer into one clear exception. A cluster none
     * of whose bootstrap addresses accepts a connection is said at once: Kafka's clients retry a refused connection
     * until their timeout, and commands were silent for 35 s before saying what was known at the first attempt.
     */
    private static <T> T withAdmin(Map<String, Object> adminConfig, long timeoutMs, AdminCall<T> call)
            throws BrokerUnavailableException {
        Object servers = adminConfig.get("bootstrap.servers");
        String refused = BootstrapProbe.noneAccepts(String.valueOf(servers), (int) Math.min(timeoutMs, 5_000));
        if (refused != null) {
            throw new BrokerUnavailableException("no Kafka broker answered at " + servers + ": " + refused, null);
        }
        Admin admin = Admin.create(adminConfig);
        try {
            return call.call(admin);
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("no Kafka broker answered at " + servers + " within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException("Kafka at " + servers + " refused: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while talking to Kafka at " + servers, e);
        } finally {
            // close() alone waits for pending calls' own timeout (default.api.timeout.ms, a minute) after we gave up
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** The cluster cannot be reached or refuses us; the message says which. */
    public static final class BrokerUnavailableException extends Exception {
        public BrokerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
