package io.framewise.app;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.CompilerPriority;
import io.framewise.app.observability.FrameMetrics;
import io.framewise.app.observability.InstanceHealth;
import io.framewise.app.observability.Observability;
import io.framewise.app.pipeline.FrameAnalyzer;
import io.framewise.app.topology.DeadLetters;
import io.framewise.app.topology.FramewiseTopology;
import io.framewise.inference.serving.ServedModels;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Framewise instance: the Kafka Streams client executing the topology with a loaded model. Instances
 * with the same {@code application.id} share the input partitions.
 */
public final class FramewiseApplication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FramewiseApplication.class);

    /**
     * How long {@code framewise run} lets a stop take (commit, leave the group, close): less than a Kubernetes pod's
     * default 30 s grace period, and the chart's grace period is longer still.
     */
    public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(25);

    /** One daemon thread for every instance of the process: it only re-reads the clients' metric maps. */
    private static final ScheduledExecutorService METRICS_REFRESH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "framewise-metrics-refresh");
        t.setDaemon(true);
        return t;
    });

    private final KafkaStreams streams;
    private final Observability observability;
    private final KafkaStreamsMetrics streamsMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Set when the application made its own meters (no server shows them): it closes them when it stops. */
    private volatile boolean ownsObservability;

    private FramewiseApplication(KafkaStreams streams, Observability observability, KafkaStreamsMetrics streamsMetrics) {
        this.streams = streams;
        this.observability = observability;
        this.streamsMetrics = streamsMetrics;
    }

    /** As below, with meters and health of its own (tests and tools that do not serve them). */
    public static FramewiseApplication start(FramewiseConfig config, ServedModels models, Clock clock,
                                             Duration startTimeout) throws Topics.BrokerUnavailableException {
        Observability own = new Observability(config);
        try {
            FramewiseApplication app = start(config, models, clock, startTimeout, own);
            app.ownsObservability = true;
            return app;
        } catch (RuntimeException | Topics.BrokerUnavailableException e) {
            own.close();
            throw e;
        }
    }

    /**
     * Creates missing topics, warms the models up on the real decode, batch and inference path, starts the streams
     * client (only then does the instance join its group) and waits until it is running.
     *
     * @throws Topics.BrokerUnavailableException when the cluster cannot be reached
     */
    public static FramewiseApplication start(FramewiseConfig config, ServedModels models, Clock clock,
                                             Duration startTimeout, Observability observability)
            throws Topics.BrokerUnavailableException {
        InstanceHealth health = observability.health();
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        StreamsConfig streamsConfig = new StreamsConfig(props);
        Topics.ensure(streamsConfig.getAdminConfigs("framewise-admin"), config);
        // The largest dead letter Kafka will take, read rather than assumed: a dead letter over it stopped the instance
        int topicLimit = Topics.maxMessageBytes(streamsConfig.getAdminConfigs("framewise-admin"), config.deadLetterTopic(),
                config.startupTimeoutMs());
        int producerLimit = producerMaxRequestSize(streamsConfig);
        props.put(DeadLetters.MAX_BYTES_CONFIG, String.valueOf(topicLimit > 0 ? Math.min(producerLimit, topicLimit) : producerLimit));
        FrameAnalyzer analyzer = new FrameAnalyzer(models, config.maxPixels(), config.inferenceTimeoutMs());
        // Warm before joining the group: the first frames this instance is given must not pay for cold kernels, a
        // cold decoder or uncalibrated estimates (they would be skipped after every start and every scale-out).
        observability.frames().model(models.primary().tag());
        if (models.fallback() != null) {
            observability.frames().model(models.fallback().tag());
        }
        CompilerPriority.ofThisProcess().ifPresent(nice -> LOG.info("JIT compiler threads at nice {}{}", nice, nice > 0
                ? ": start-up compilation runs on what the model leaves (a JVM warning that -XX:ThreadPriorityPolicy=1 "
                + "may require permission concerns raising priorities, not needed here)"
                : ", as the model's threads: start with -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10, as "
                + "./framewise and the image do, for fewer frames skipped at a cold start"));
        health.phase(InstanceHealth.Phase.WARMING_UP);
        analyzer.warmUp();
        // Kafka Streams' exception handlers count each record they refuse for its camera (the record key)
        props.put(FrameMetrics.CONFIG_KEY, observability.frames());
        KafkaStreams streams = new KafkaStreams(FramewiseTopology.build(config, analyzer, clock, observability.frames()), props);
        observability.frames().startStallChecks(() -> inputLags(streams, config.inputTopic()));
        // Kafka Streams' and its clients' metrics (consumer lag per partition among them); new ones, of tasks
        // assigned later, are picked up every 10 s.
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams, List.of(), METRICS_REFRESH, Duration.ofSeconds(10));
        streamsMetrics.bindTo(observability.registry());
        FramewiseApplication app = new FramewiseApplication(streams, observability, streamsMetrics);
        health.streamsState(streams.state());
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            LOG.debug("streams state {} -> {}", before, now);
            health.streamsState(now);
            if (now == KafkaStreams.State.RUNNING) {
                if (running.getCount() > 0) {
                    LOG.info("framewise application '{}' is RUNNING", config.applicationId());
                }
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                running.countDown();
                app.stopped.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            // Per-frame failures never get here (they are dead-lettered); this is the infrastructure failing.
            LOG.error("stream thread failed; stopping this instance so that its partitions move to a healthy one: {}",
                    e.toString());
            app.failure.compareAndSet(null, e);
            health.phase(InstanceHealth.Phase.FAILED);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        try {
            if (!startTimeout.isZero() && !running.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("streams not RUNNING after {} s (state {}); continuing to wait in the background",
                        startTimeout.toSeconds(), streams.state());
            } else if (!startTimeout.isZero()) {
                app.awaitTasks(startTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // not "started": that word is kept for processing (the state listener logs RUNNING when it comes)
        LOG.info("framewise application '{}' (streams {}) reads {} -> {} (dead letters: {}), model {} {}",
                config.applicationId(), streams.state(), config.inputTopic(), config.outputTopic(), config.deadLetterTopic(),
                models.primary().tag().name(), models.primary().tag().version());
        return app;
    }

    /** The producer's max.request.size: the user's, or Kafka's default. */
    private static int producerMaxRequestSize(StreamsConfig streamsConfig) {
        Object v = streamsConfig.getProducerConfigs("framewise-dead-letters").get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return v == null ? DeadLetters.DEFAULT_MAX_BYTES : Integer.parseInt(v.toString().trim());
    }

    /**
     * RUNNING can come before the group has assigned this instance any task (a streams group waits for members
     * before its first assignment); frames published meanwhile wait in their partitions. Waits, up to the timeout,
     * until a task is assigned, so that "started" means "processing". An instance that is given none (more
     * instances than partitions) goes on after the timeout.
     */
    private void awaitTasks(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && isAlive()) {
            int tasks = activeTasks();
            if (tasks > 0) {
                LOG.info("{} active task(s) assigned", tasks);
                return;
            }
            Thread.sleep(50);
        }
        LOG.warn("no task assigned to this instance within {} s: it takes part in the group but processes nothing yet",
                timeout.toSeconds());
    }

    /** Active tasks of this instance's stream threads. */
    /**
     * The consumer lag of each input partition on this instance (records; partitions not assigned here or not measured
     * yet are absent), from the stream threads' main consumers: what tells a camera gone quiet from a pipeline behind.
     */
    static Map<Integer, Long> inputLags(KafkaStreams streams, String topic) {
        Map<Integer, Long> lags = new HashMap<>();
        for (Metric m : streams.metrics().values()) {
            MetricName n = m.metricName();
            if (n.name().equals("records-lag") && n.group().equals("consumer-fetch-manager-metrics")
                    && topic.equals(n.tags().get("topic")) && n.tags().get("partition") != null
                    && !String.valueOf(n.tags().get("client-id")).endsWith("restore-consumer")
                    && m.metricValue() instanceof Double d && !d.isNaN()) {
                lags.merge(Integer.valueOf(n.tags().get("partition")), d.longValue(), Math::max);
            }
        }
        return lags;
    }

    public int activeTasks() {
        try {
            return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
        } catch (IllegalStateException notRunning) {
            return 0;
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** False once the streams client has stopped or failed. */
    public boolean isAlive() {
        return stopped.getCount() > 0;
    }

    public Observability observability() {
        return observability;
    }

    public Throwable failure() {
        return failure.get();
    }

    /**
     * Commits (frames still in flight are committed in the in-flight store), leaves the group at once so partitions
     * move without waiting for a session timeout, and stops the stream threads. True when Kafka Streams stopped
     * within {@code timeout}; false when it did not (a stream thread stuck in a frame, a cluster not answering): the
     * caller must not report a clean stop then.
     */
    public boolean stop(Duration timeout) {
        observability.health().phase(InstanceHealth.Phase.STOPPING);
        boolean stoppedInTime = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
        stopped.countDown();
        streamsMetrics.close();
        if (ownsObservability) {
            observability.close();
        }
        if (!stoppedInTime) {
            LOG.warn("Kafka Streams did not stop within {} ms (state {})", timeout.toMillis(), streams.state());
        }
        return stoppedInTime;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}
