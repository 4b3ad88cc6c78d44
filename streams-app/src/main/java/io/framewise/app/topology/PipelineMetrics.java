package io.framewise.app.topology;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.framewise.schema.Status;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Percentile;
import org.apache.kafka.common.metrics.stats.Percentiles;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * Framewise's metrics, registered in Kafka Streams' metrics registry (group {@value #GROUP}, tagged with the stream
 * thread), so that JMX (kafka.streams:type=framewise-metrics,...) and any Kafka metrics reporter see them:
 * events by status, per-stage latency histograms (avg, max, p50, p95, p99), batch size, and the deadline-miss ratio
 * (the windowed average of 1 for a classified frame that missed its deadline, 0 for one that met it).
 */
final class PipelineMetrics {
    static final String GROUP = "framewise-metrics";
    static final String[] STAGES = {"queueing", "decode", "preprocess", "batch-wait", "inference", "total"};

    private final Map<Status, Sensor> events = new EnumMap<>(Status.class);
    private final Map<String, Sensor> stages = new LinkedHashMap<>();
    private final Sensor batchSize;
    private final Sensor deadlineMiss;

    PipelineMetrics(StreamsMetrics metrics, String thread) {
        Map<String, String> tags = Map.of("thread-id", thread);
        for (Status status : Status.values()) {
            if (status == Status.UNKNOWN) {
                continue;
            }
            Sensor s = metrics.addSensor(thread + ".framewise.events." + status, Sensor.RecordingLevel.INFO);
            s.add(new MetricName("events-" + status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-total",
                    GROUP, "Events emitted with status " + status, tags), new CumulativeCount());
            events.put(status, s);
        }
        for (String stage : STAGES) {
            Sensor s = metrics.addSensor(thread + ".framewise.latency." + stage, Sensor.RecordingLevel.INFO);
            addDistribution(s, stage + "-latency-ms", "Per-frame " + stage + " latency in ms", tags, 60_000);
            stages.put(stage, s);
        }
        batchSize = metrics.addSensor(thread + ".framewise.batch-size", Sensor.RecordingLevel.INFO);
        addDistribution(batchSize, "batch-size", "Inference batch size of classified frames", tags, 256);
        deadlineMiss = metrics.addSensor(thread + ".framewise.deadline-miss", Sensor.RecordingLevel.INFO);
        deadlineMiss.add(new MetricName("deadline-miss-ratio", GROUP,
                "Share of classified frames that missed their deadline (windowed)", tags), new Avg());
    }

    private static void addDistribution(Sensor s, String name, String doc, Map<String, String> tags, double max) {
        s.add(new MetricName(name + "-avg", GROUP, doc + " (average)", tags), new Avg());
        s.add(new MetricName(name + "-max", GROUP, doc + " (maximum)", tags), new Max());
        s.add(new Percentiles(16 * 1024, 0, max, Percentiles.BucketSizing.LINEAR,
                new Percentile(new MetricName(name + "-p50", GROUP, doc + " (median)", tags), 50),
                new Percentile(new MetricName(name + "-p95", GROUP, doc + " (95th percentile)", tags), 95),
                new Percentile(new MetricName(name + "-p99", GROUP, doc + " (99th percentile)", tags), 99)));
    }

    void event(Status status) {
        events.get(status).record();
    }

    void stage(String stage, double ms) {
        stages.get(stage).record(ms);
    }

    void classified(int batch, boolean deadlineMet) {
        batchSize.record(batch);
        deadlineMiss.record(deadlineMet ? 0 : 1);
    }
}
