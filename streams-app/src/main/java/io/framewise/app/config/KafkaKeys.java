package io.framewise.app.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The keys a deployment may give besides framewise's own: Kafka Streams' settings, the consumer's, producer's and
 * admin client's (all of them also under Kafka Streams' client prefixes, e.g. {@code consumer.session.timeout.ms}),
 * and topic settings under {@code topic.}. Kafka only logs a key it does not know ("supplied but not used"), so a
 * misspelt {@code procesing.guarantee} left a user believing they ran exactly-once; framewise refuses it and names the
 * nearest known key.
 */
final class KafkaKeys {
    private static final Set<String> CLIENT = new HashSet<>();
    private static final Set<String> STREAMS = new HashSet<>(StreamsConfig.configDef().names());
    private static final Set<String> TOPIC = topicKeys();
    /** Kafka Streams' prefixes for the settings of one of its clients. */
    private static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    static {
        CLIENT.addAll(ConsumerConfig.configNames());
        CLIENT.addAll(ProducerConfig.configNames());
        CLIENT.addAll(AdminClientConfig.configNames());
    }

    private KafkaKeys() {
    }

    static boolean known(String key) {
        if (STREAMS.contains(key) || CLIENT.contains(key)) {
            return true;
        }
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                return CLIENT.contains(key.substring(prefix.length()));
            }
        }
        if (key.startsWith(StreamsConfig.TOPIC_PREFIX)) {
            return TOPIC.contains(key.substring(StreamsConfig.TOPIC_PREFIX.length()));
        }
        return false;
    }

    /** The known key nearest to {@code key} (by edit distance, under its prefix if it has one), or null if none is near. */
    static String nearest(String key, Collection<String> framewiseKeys) {
        String prefix = "";
        Set<String> candidates = new HashSet<>(framewiseKeys);
        candidates.addAll(STREAMS);
        candidates.addAll(CLIENT);
        for (String p : CLIENT_PREFIXES) {
            if (key.startsWith(p)) {
                prefix = p;
                candidates = CLIENT;
                break;
            }
        }
        if (prefix.isEmpty() && key.startsWith(StreamsConfig.TOPIC_PREFIX)) {
            prefix = StreamsConfig.TOPIC_PREFIX;
            candidates = TOPIC;
        }
        String rest = key.substring(prefix.length()).toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(rest, candidate);
            if (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0)) {
                best = candidate;
                bestDistance = d;
            }
        }
        // near: a few typos, not another setting altogether
        return best != null && bestDistance <= Math.max(2, rest.length() / 4) ? prefix + best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /** The topic settings Kafka declares ({@link TopicConfig}'s *_CONFIG constants). */
    private static Set<String> topicKeys() {
        Set<String> keys = new HashSet<>();
        for (Field f : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
                try {
                    keys.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }
}
