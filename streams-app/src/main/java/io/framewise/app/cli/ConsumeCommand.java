package io.framewise.app.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.tools.client.EventFormat;
import io.framewise.app.tools.client.OutcomeReader;
import io.framewise.app.tools.client.OutcomeTail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "consume", mixinStandardHelpOptions = true, header = "Print the events and dead letters of a topic.",
        description = "Print classification events (and, with --dead-letters, dead-lettered frames) from the beginning of the topic. "
                + "Reads committed records only (as exactly-once consumers do) unless --set isolation.level=read_uncommitted.")
final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", description = "Events topic (default: framewise.output.topic).")
    String topic;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--max-events", defaultValue = "-1", description = "Stop after this many records (default: run until interrupted).")
    long maxEvents;

    @Option(names = "--dead-letters", description = "Also print the dead-letter topic's records with their reason.")
    boolean deadLetters;

    @Option(names = "--timeout", defaultValue = "0",
            description = "Give up after this many seconds without a new record (default 0: wait forever).")
    long idleTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = kafka.settings();
        FramewiseConfig config = new FramewiseConfig(FramewiseConfig.ownSettings(settings));
        KafkaOptions.requireReachable(settings, config);
        CountDownLatch stop = Signals.terminationLatch();
        if (!json) {
            output.out().println(EventFormat.header());
        }
        OutcomeTail.End end;
        try (OutcomeReader reader = new OutcomeReader(FramewiseConfig.clientSettings(settings),
                topic != null ? topic : config.outputTopic(), deadLetters ? config.deadLetterTopic() : null, true)) {
            end = OutcomeTail.follow(reader, maxEvents, Duration.ofSeconds(idleTimeoutSeconds), () -> stop.getCount() == 0,
                    o -> output.out().println(EventFormat.format(o, json)), output.out()::flush);
        }
        if (end == OutcomeTail.End.IDLE) {
            output.err().println("framewise consume: no record for " + idleTimeoutSeconds + " s, stopping");
            // waiting for a number of records that did not come is a failure; tailing until quiet is not
            return maxEvents < 0 ? 0 : FramewiseCli.EXIT_FAILURE;
        }
        return 0;
    }
}
