package io.framewise.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.framewise.app.tools.broker.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true, header = "Run a single-node Kafka broker in this process.",
        description = "Run a real single-node Kafka broker (KRaft) in this process, on 127.0.0.1 only, until interrupted.")
final class BrokerCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default ${DEFAULT-VALUE}; 0 for any free port).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the broker keeps its data; reuse it to keep topics across restarts (default: a new temporary directory).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("framewise-broker-");
        CountDownLatch stop = new CountDownLatch(1);
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, port).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.stop();
                stop.countDown();
            }, "broker-shutdown"));
            output.out().println("Kafka broker ready at " + broker.bootstrapServers() + " (data in " + broker.dataDir()
                    + "). Press Ctrl-C to stop.");
            output.out().flush();
            stop.await();
        }
        return 0;
    }

}
