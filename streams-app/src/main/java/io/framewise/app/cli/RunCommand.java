package io.framewise.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.framewise.app.FramewiseApplication;
import io.framewise.app.Topics;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.observability.InstanceHealth;
import io.framewise.app.observability.Observability;
import io.framewise.app.observability.OperationsServer;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.inference.serving.ServedModels;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true, header = "Run the streams application against a Kafka cluster.",
        description = "Run the Framewise streams application against a Kafka cluster until SIGTERM or Ctrl-C. Start more instances with the same application.id to share the load; they split the input partitions.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    Output output;


    @Mixin
    KafkaOptions kafka;

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory to serve (else framewise.model.dir).")
    Path model;

    @Override
    public Integer call() throws Exception {
        // First of all: a SIGTERM while the model loads or the group forms must still stop the instance cleanly.
        CountDownLatch stop = Signals.terminationLatch();
        Map<String, Object> settings = kafka.settings();
        if (model != null) {
            settings.put(FramewiseConfig.MODEL_DIR_CONFIG, model.toString());
        }
        FramewiseConfig config = new FramewiseConfig(settings);
        if (config.modelDir().isBlank()) {
            throw new CliException("no model given", "pass --model DIR (see 'framewise demo' for one made on first use)");
        }
        // Served from the start: a kubelet probes liveness while the model loads and warms up (ready comes later).
        try (Observability observability = new Observability(config);
             OperationsServer server = startServer(config, observability)) {
            return run(config, observability, stop);
        }
    }

    private OperationsServer startServer(FramewiseConfig config, Observability observability) {
        if (config.httpPort() < 0) {
            return null;
        }
        try {
            OperationsServer server = OperationsServer.start(config.httpHost(), config.httpPort(), observability.registry(),
                    observability.health());
            output.err().println("framewise run: metrics and health on http://" + config.httpHost() + ":" + server.port()
                    + "/metrics, /health/live, /health/ready");
            return server;
        } catch (IOException e) {
            throw new CliException("cannot serve metrics and health on " + config.httpHost() + ":" + config.httpPort()
                    + ": " + e.getMessage(), "choose another port with --set " + FramewiseConfig.HTTP_PORT_CONFIG
                    + "=PORT (0: any free port; -1: none)");
        }
    }

    private Integer run(FramewiseConfig config, Observability observability, CountDownLatch stop) throws Exception {
        ServedModels models = ModelLoader.load(config, Path.of(config.modelDir()));
        FramewiseApplication app;
        try {
            // Not waiting for RUNNING here: the state listener reports it, and a SIGTERM meanwhile is served below.
            app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ZERO, observability);
        } catch (Topics.BrokerUnavailableException | RuntimeException e) {
            observability.health().phase(InstanceHealth.Phase.FAILED);
            models.close();
            // Admin and producer threads of a failed start must not keep the JVM from exiting.
            if (e instanceof Topics.BrokerUnavailableException unavailable) {
                throw KafkaOptions.unreachable(unavailable);
            }
            throw e;
        }
        // "started" means processing (as the README says): said once the group has given this instance its tasks
        output.err().println("framewise run: application '" + config.applicationId() + "' joining the group"
                + "; model " + models.primary().tag().name() + " " + models.primary().tag().version()
                + (models.fallback() != null ? ", fallback " + models.fallback().tag().name() : ""));
        boolean stoppedInTime = false;
        boolean started = false;
        try {
            while (!stop.await(200, TimeUnit.MILLISECONDS) && app.isAlive()) {
                // waiting for SIGTERM/SIGINT, or for the instance to fail
                if (!started && app.streams().state() == KafkaStreams.State.RUNNING && app.activeTasks() > 0) {
                    started = true;
                    output.err().println("framewise run: started: processing " + app.activeTasks() + " task(s) of "
                            + config.inputTopic());
                }
            }
            output.err().println("framewise run: stopping (committing, leaving the group)");
        } finally {
            stoppedInTime = app.stop(FramewiseApplication.SHUTDOWN_TIMEOUT);
            models.close();
        }
        if (app.failure() != null) {
            output.err().println("framewise run: stopped after a failure: " + app.failure());
            return FramewiseCli.EXIT_FAILURE;
        }
        if (!stoppedInTime) {
            output.err().println("framewise run: Kafka Streams did not stop within " + FramewiseApplication.SHUTDOWN_TIMEOUT.toSeconds()
                    + " s; offsets and frames in flight since the last commit are handled by the next owner of the "
                    + "partitions (replayed under at_least_once, aborted and redone under exactly_once_v2)");
            return FramewiseCli.EXIT_FAILURE;
        }
        output.err().println("framewise run: stopped cleanly");
        return 0;
    }

}
