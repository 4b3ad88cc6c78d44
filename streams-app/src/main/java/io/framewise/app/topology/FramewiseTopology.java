package io.framewise.app.topology;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The Framewise topology: frames (key: camera id) -> classify -> events (same key). The key is never changed, so
 * there is no repartition and each camera's events keep the order of its frames.
 *
 * <p>A pure function of its arguments: the application, the tests and the benchmarks build the same topology.
 */
public final class FramewiseTopology {
    public static final String SOURCE = "frames";
    public static final String CLASSIFY = "classify";
    public static final String SINK = "events";

    private FramewiseTopology() {
    }

    /** StreamsConfig insists on these two; the topology itself uses neither. */
    private static Map<String, Object> withPlaceholders(Map<String, Object> props) {
        Map<String, Object> p = new HashMap<>(props);
        p.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return p;
    }

    public static Topology build(FramewiseConfig config, FrameAnalyzer analyzer, Clock clock) {
        // The topology sees the application's real settings (not the defaults StreamsBuilder() would invent).
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(withPlaceholders(config.streamsProperties()))));
        builder.stream(config.inputTopic(), Consumed.with(Serdes.String(), FramewiseSerdes.frame()).withName(SOURCE))
                .processValues(() -> new ClassifyFrameProcessor(analyzer, config, clock), Named.as(CLASSIFY))
                .to(config.outputTopic(), Produced.with(Serdes.String(), FramewiseSerdes.classification()).withName(SINK));
        return builder.build();
    }
}
