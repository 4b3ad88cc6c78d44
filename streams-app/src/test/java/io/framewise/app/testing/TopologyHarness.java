package io.framewise.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.FrameMetrics;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.topology.FramewiseTopology;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology ({@link FramewiseTopology#build}) in a {@link TopologyTestDriver}, with its three topics:
 * frames in (as {@link Frame}s or as raw bytes), events and dead letters out. Settings are the defaults plus the
 * given ones, with one frame at a time unless a test says otherwise (each outcome can then be read right after its
 * frame is piped in; depth above 1 is {@code InFlightFramesTest}'s).
 */
public final class TopologyHarness implements AutoCloseable {
    public final FramewiseConfig config;
    public final TopologyTestDriver driver;
    public final TestInputTopic<String, Frame> frames;
    public final TestInputTopic<String, byte[]> rawFrames;
    public final TestOutputTopic<String, Classification> events;
    public final TestOutputTopic<byte[], byte[]> deadLetters;

    public TopologyHarness(ServedModels models, Clock clock, Instant start, Map<String, Object> settings) {
        this(models, clock, start, settings, new SimpleMeterRegistry());
    }

    /** With an analyzer of {@code models} as {@code framewise run} makes it from the settings. */
    public TopologyHarness(ServedModels models, Clock clock, Instant start, Map<String, Object> settings,
                           MeterRegistry meters) {
        this(c -> new FrameAnalyzer(models, c.maxPixels(), c.inferenceTimeoutMs()), clock, start, settings, meters);
    }

    /** With a test's own analyzer (a decoder that stalls once, a counting one). */
    public TopologyHarness(FrameAnalyzer analyzer, Clock clock, Instant start, Map<String, Object> settings) {
        this(c -> analyzer, clock, start, settings, new SimpleMeterRegistry());
    }

    /** With a test's own analyzer, reporting to {@code meters}. */
    public TopologyHarness(FrameAnalyzer analyzer, Clock clock, Instant start, Map<String, Object> settings,
                           MeterRegistry meters) {
        this(c -> analyzer, clock, start, settings, meters);
    }

    private TopologyHarness(Function<FramewiseConfig, FrameAnalyzer> analyzerOf, Clock clock, Instant start,
                            Map<String, Object> settings, MeterRegistry meters) {
        Map<String, Object> all = new HashMap<>();
        all.put("bootstrap.servers", "unused:9092");
        all.put(FramewiseConfig.PIPELINE_DEPTH_CONFIG, 1);
        all.putAll(settings);
        this.config = new FramewiseConfig(all);
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        FrameAnalyzer analyzer = analyzerOf.apply(config);
        this.driver = new TopologyTestDriver(FramewiseTopology.build(config, analyzer, clock, new FrameMetrics(meters)),
                props, start);
        this.frames = driver.createInputTopic(config.inputTopic(), new StringSerializer(), FramewiseSerdes.frame().serializer());
        this.rawFrames = driver.createInputTopic(config.inputTopic(), new StringSerializer(), new ByteArraySerializer());
        this.events = driver.createOutputTopic(config.outputTopic(), new StringDeserializer(),
                FramewiseSerdes.classification().deserializer());
        this.deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Proves that nothing else came out: every event and dead letter has been read by the test. */
    public void assertNothingElse() {
        assertThat(events.isEmpty()).as("events left unread").isTrue();
        assertThat(deadLetters.isEmpty()).as("dead letters left unread").isTrue();
    }

    @Override
    public void close() {
        driver.close();
    }
}
