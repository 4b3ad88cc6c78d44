package io.framewise.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where settings come from, lowest precedence first: a properties file, environment variables, the command line.
 *
 * <p>Environment variables: {@code FRAMEWISE_LATENCY_BUDGET_MS} sets {@code framewise.latency.budget.ms};
 * {@code FRAMEWISE_KAFKA_BOOTSTRAP_SERVERS} sets the Kafka property {@code bootstrap.servers} (any Kafka key: upper
 * case, dots as underscores, after {@code FRAMEWISE_KAFKA_}). Only names of known framewise settings are taken as
 * settings; the program's own variables ({@link #PROGRAM_VARIABLES}) are left alone, and any other
 * {@code FRAMEWISE_*} name is ignored with a warning (most likely a misspelt setting).
 */
public final class ConfigSources {
    static final String ENV_PREFIX = "FRAMEWISE_";
    static final String ENV_KAFKA_PREFIX = "FRAMEWISE_KAFKA_";
    /** Variables of the framewise program itself (launcher, caches), not settings. */
    public static final Set<String> PROGRAM_VARIABLES = Set.of("FRAMEWISE_CACHE", "FRAMEWISE_HOME", "FRAMEWISE_JAVA_OPTS",
            "FRAMEWISE_LOG_LEVEL");
    private static final Logger LOG = LoggerFactory.getLogger(ConfigSources.class);

    private ConfigSources() {
    }

    public static Map<String, Object> resolve(Path file, Map<String, String> environment, Map<String, String> overrides)
            throws IOException {
        Map<String, Object> settings = new HashMap<>();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new IOException("config file " + file + " does not exist or is not readable");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            p.forEach((k, v) -> settings.put(k.toString(), v.toString().strip()));
        }
        settings.putAll(fromEnvironment(environment));
        settings.putAll(overrides);
        return settings;
    }

    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> out = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_KAFKA_PREFIX)) {
                out.put(keyOf(name.substring(ENV_KAFKA_PREFIX.length())), value);
            } else if (name.startsWith(ENV_PREFIX) && !PROGRAM_VARIABLES.contains(name)) {
                String key = "framewise." + keyOf(name.substring(ENV_PREFIX.length()));
                if (FramewiseConfig.CONFIG.names().contains(key)) {
                    out.put(key, value);
                } else {
                    LOG.warn("environment variable {} is not a framewise setting (no {}) nor one of the program's "
                            + "variables {}; ignored", name, key, new TreeSet<>(PROGRAM_VARIABLES));
                }
            }
        });
        return out;
    }

    private static String keyOf(String envSuffix) {
        return envSuffix.toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
