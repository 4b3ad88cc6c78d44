package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.framewise.app.config.ConfigSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --config FILE} and {@code --set KEY=VALUE}, declared once and mixed into every command that configures an
 * instance or a Kafka client (run, publish, consume, broker-backed tools, demo, bench).
 */
@Command // picocli takes a class as a mixin only if it carries a picocli annotation
final class SettingsOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: framewise.* settings and any Kafka client or Streams property (security, ...).")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", converter = Setting.Converter.class,
            description = "Set one setting (repeatable); wins over the file and the environment.")
    List<Setting> settings = new ArrayList<>();

    /** One {@code --set KEY=VALUE}: the value may itself hold '=' (a JAAS line does); the key may not be empty. */
    record Setting(String key, String value) {
        static final class Converter implements ITypeConverter<Setting> {
            @Override
            public Setting convert(String text) {
                int eq = text.indexOf('=');
                if (eq <= 0) {
                    // picocli's own message for a map option says "option option"; this one names the fix
                    throw new TypeConversionException("'" + text + "' is not KEY=VALUE (e.g. --set framewise.latency.budget.ms=500;"
                            + " 'framewise config' lists every setting)");
                }
                return new Setting(text.substring(0, eq).trim(), text.substring(eq + 1));
            }
        }
    }

    /** The --set settings in the order given (a later one wins). */
    Map<String, String> overrides() {
        Map<String, String> map = new LinkedHashMap<>();
        settings.forEach(s -> map.put(s.key(), s.value()));
        return map;
    }

    /**
     * The settings from the file, then the environment, then the command line ({@code extra} last, for options such
     * as --bootstrap-servers).
     */
    Map<String, Object> resolve(Map<String, String> environment, Map<String, String> extra) throws IOException {
        Map<String, String> cli = overrides();
        cli.putAll(extra);
        return ConfigSources.resolve(configFile, environment, cli);
    }

    /**
     * The settings of an instance a tool starts itself (demo, bench): the file and the command line only, so that
     * the environment of a production deployment does not redirect it.
     */
    Map<String, String> forOwnInstance() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        resolve(Map.of(), Map.of()).forEach((k, v) -> settings.put(k, String.valueOf(v)));
        return settings;
    }
}
