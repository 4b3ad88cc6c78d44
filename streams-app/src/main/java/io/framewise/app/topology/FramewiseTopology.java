package io.framewise.app.topology;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.FrameMetrics;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.schema.serde.FramewiseSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.state.Stores;

/**
 * The Framewise topology: frames (key: camera id) -> classify -> events (same key), and the frames that fail once in
 * flight -> dead letters. The key is never changed, so there is no repartition and each camera's events keep the
 * order of its frames. The classify processor owns a changelogged store of the frames it has in flight
 * ({@link InFlightFrames}).
 *
 * <p>A pure function of its arguments: the application, the tests and the benchmarks build the same topology.
 */
public final class FramewiseTopology {
    public static final String SOURCE = "frames";
    public static final String CLASSIFY = "classify";
    public static final String SINK = "events";
    public static final String DEAD_LETTERS = "dead-letters";

    private FramewiseTopology() {
    }

    /** StreamsConfig insists on these two; the topology itself uses neither. */
    private static Map<String, Object> withPlaceholders(Map<String, Object> props) {
        Map<String, Object> p = new HashMap<>(props);
        p.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return p;
    }

    /** The topology with its meters in a registry of their own (tests, which read events, not meters). */
    public static Topology build(FramewiseConfig config, FrameAnalyzer analyzer, Clock clock) {
        return build(config, analyzer, clock, new FrameMetrics(new SimpleMeterRegistry()));
    }

    public static Topology build(FramewiseConfig config, FrameAnalyzer analyzer, Clock clock, FrameMetrics metrics) {
        // The topology sees the application's real settings (not the defaults a bare Topology would invent).
        Topology topology = new Topology(new TopologyConfig(new StreamsConfig(withPlaceholders(config.streamsProperties()))));
        topology.addSource(SOURCE, new StringDeserializer(), FramewiseSerdes.frame().deserializer(), config.inputTopic());
        topology.addProcessor(CLASSIFY, () -> new ClassifyFrameProcessor(analyzer, config, clock, metrics), SOURCE);
        // In memory (frames in flight are few) with a changelog (they must survive the instance); the cache keeps
        // frames answered within a commit interval out of the changelog.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(InFlightFrames.STORE),
                Serdes.Long(), Serdes.ByteArray()).withCachingEnabled(), CLASSIFY);
        // Written at once, not cached: what was answered after the last commit must reach the changelog before a crash
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(AnsweredFrames.STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled(), CLASSIFY);
        // Each video camera's last keyframe, committed with the task's position (framewise.video.resume=replay)
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Keyframes.STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), CLASSIFY);
        topology.addSink(SINK, config.outputTopic(), new StringSerializer(), FramewiseSerdes.classification().serializer(),
                CLASSIFY);
        topology.addSink(DEAD_LETTERS, config.deadLetterTopic(), new StringSerializer(), new ByteArraySerializer(), CLASSIFY);
        return topology;
    }
}
