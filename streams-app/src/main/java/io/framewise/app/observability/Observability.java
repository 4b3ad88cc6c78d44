package io.framewise.app.observability;

import io.framewise.app.config.FramewiseConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One instance's meters and health: a Prometheus registry holding the JVM's and the process's meters (heap, GC,
 * threads, CPU, open files, uptime, resident and JavaCPP memory), later Kafka Streams' and the clients' (bound by
 * the application once its streams client exists) and framewise's own ({@link FrameMetrics}).
 */
public final class Observability implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InstanceHealth health = new InstanceHealth();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final FrameMetrics frames;

    /** The instance's meters, as {@code config} sets them (the bound of per-camera series, the stall detector). */
    public Observability(FramewiseConfig config) {
        this(config.applicationId(), config.metricsCamerasMax(), config.metricsCameraIdleMs(),
                config.metricsCameraStallMs(), config.metricsCameraStallFraction());
    }

    private Observability(String applicationId, int maxCameras, long cameraIdleMs, long stallMs, double stallFraction) {
        registry.config().commonTags("application", applicationId);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NativeMemoryMetrics().bindTo(registry);
        Gauge.builder("framewise.ready", health, h -> h.ready() ? 1 : 0)
                .description("1 when the instance is ready (RUNNING, warmed up), else 0").register(registry);
        frames = new FrameMetrics(registry, maxCameras, cameraIdleMs, stallMs, stallFraction);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public InstanceHealth health() {
        return health;
    }

    public FrameMetrics frames() {
        return frames;
    }

    @Override
    public void close() {
        frames.close();
        gc.close();
        registry.close();
    }
}
