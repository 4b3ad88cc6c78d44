package io.framewise.app.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.OutcomeCollector;
import io.framewise.app.tools.client.Pacer;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;

/**
 * Frames from several cameras published at a steady rate into instances of {@code framewise run} (separate JVMs),
 * while the test disturbs them; then everything is read back and accounted for.
 */
public final class ClusterScenario {
    public static final int CAMERAS = 6;

    /**
     * What came out, matched per frame by (camera, sequence): events by their identity, dead letters by the frame in
     * their original value. {@code distinct} counts frames with at least one outcome, {@code duplicates} outcomes
     * beyond the first (events and dead letters alike), {@code outOfOrder} cameras whose first outcomes do not follow
     * their sequence.
     */
    public record Accounting(int published, int distinct, int duplicates, int missing, int deadLetters,
                             List<Classification> events, double takeoverSeconds, int outOfOrder) {
    }

    private ClusterScenario() {
    }

    /**
     * The settings of an instance of {@code app} in these scenarios, but for the bootstrap servers and the state
     * directory, which are the instance's own.
     */
    public static Map<String, Object> instanceSettings(KafkaCluster fixture, String app, String guarantee, String protocol) {
        Map<String, Object> s = fixture.settings(app);
        s.remove("bootstrap.servers");
        s.remove("state.dir");
        s.put("processing.guarantee", guarantee);
        s.put("group.protocol", protocol);
        s.put("num.stream.threads", "2");
        s.put("commit.interval.ms", "200");
        s.put("consumer.session.timeout.ms", "6000");
        s.put("consumer.heartbeat.interval.ms", "1000");
        s.put("framewise.inference.intra.op.threads", "1");
        s.put("framewise.latency.budget.ms", "600000"); // accounting, not speed, is under test: classify everything
        s.put("framewise.topics.partitions", "6");
        // Frames held in the engine until 128 are waiting or 2 s have passed (about 1.7 s at 75 frames/s per
        // instance), with room for all of them in flight: a commit finds no frame in flight only in the few ms
        // after a batch is dispatched, so a kill, a rebalance or a SIGTERM almost always catches frames in flight.
        // The size is preferred, not measured: warm-up found 10 to 32 enough for the tiny model (its batch 1 takes
        // 0.4 ms), and held until one of those, a kill found 1 frame in flight, or none (a CI failure).
        s.put("framewise.pipeline.depth", "64");
        s.put("framewise.inference.max.batch.size", "128");
        s.put("framewise.inference.preferred.batch.size", "128");
        s.put("framewise.inference.max.wait.ms", "2000");
        return s;
    }

    /** Arguments of {@code framewise run} for one instance of the application {@code app}. */
    public static String[] runArgs(BrokerFixture fixture, String app, Path model, String guarantee, String protocol) {
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", fixture.broker().bootstrapServers(),
                "--model", model.toString()));
        Map<String, Object> s = instanceSettings(fixture, app, guarantee, protocol);
        s.put("state.dir", fixture.settings(app).get("state.dir") + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        s.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        return args.toArray(String[]::new);
    }

    /** Something the test does to the cluster {@code atSeconds} into publishing. */
    public record Step(double atSeconds, ThrowingRunnable action) {
    }

    public static Accounting run(KafkaCluster fixture, String app, int frames, double seconds, double disturbAfter,
                                 ThrowingRunnable disturb, boolean readCommitted, Duration drain) throws Exception {
        return run(fixture, app, frames, seconds, List.of(new Step(disturbAfter, disturb)), readCommitted, drain);
    }

    /**
     * Publishes {@code frames} frames evenly over {@code seconds} while a second thread runs each step at its time,
     * one after the other, so that frames keep flowing through every restart, join, leave and kill (the producer
     * buffers and retries while the broker is away). Returns when everything published is accounted for (or the
     * wait runs out). The takeover is measured from the start of the last step.
     */
    public static Accounting run(KafkaCluster fixture, String app, int frames, double seconds, List<Step> steps,
                                 boolean readCommitted, Duration drain) throws Exception {
        return run(fixture, app, frames, seconds, steps, readCommitted, drain, null);
    }

    /**
     * Each camera's H.264 access units, published in a loop (their count a multiple of their GOP, so that the loop
     * restarts at a keyframe).
     */
    public record Footage(List<List<VideoEncoder.Encoded>> cameras) {
        /** {@link #CAMERAS} synthetic cameras, each its own scene, {@code units} access units with a keyframe every {@code gop}. */
        public static Footage h264(int units, int gop) {
            List<List<VideoEncoder.Encoded>> cameras = new ArrayList<>();
            for (int c = 0; c < CAMERAS; c++) {
                cameras.add(TestFrames.h264(160, 128, c, units, gop));
            }
            return new Footage(cameras);
        }

        VideoEncoder.Encoded unit(int camera, long sequence) {
            List<VideoEncoder.Encoded> units = cameras.get(camera);
            return units.get((int) (sequence % units.size()));
        }
    }

    /** As above, the cameras sending {@code footage} (H.264) instead of one JPEG when it is not null. */
    public static Accounting run(KafkaCluster fixture, String app, int frames, double seconds, List<Step> steps,
                                 boolean readCommitted, Duration drain, Footage footage) throws Exception {
        Map<String, Object> settings = fixture.settings(app);
        String input = (String) settings.get("framewise.input.topic");
        byte[] jpeg = TestFrames.jpeg(160, 120, 0, 0);
        AtomicReference<Instant> disturbedAt = new AtomicReference<>();
        AtomicReference<Exception> stepFailure = new AtomicReference<>();
        long start = System.nanoTime();
        Thread disturber = new Thread(() -> {
            try {
                for (Step step : steps) {
                    long wait = start + (long) (step.atSeconds() * 1e9) - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    disturbedAt.set(Instant.now());
                    step.action().run();
                }
            } catch (Exception e) {
                stepFailure.set(e);
            }
        }, "scenario-steps");
        disturber.start();
        FrameLedger ledger = new FrameLedger();
        try (FramePublisher publisher = new FramePublisher(fixture.client(), input, Clock.systemUTC()).withLedger(ledger)) {
            long[] seq = new long[CAMERAS];
            Pacer pacer = new Pacer(frames / seconds, start);
            for (int i = 0; i < frames; i++) {
                pacer.awaitFrame(i);
                int camera = i % CAMERAS;
                if (footage == null) {
                    publisher.sendFrame("cam-" + camera, seq[camera]++, Codec.JPEG, jpeg, 160, 120, Map.of());
                } else {
                    VideoEncoder.Encoded unit = footage.unit(camera, seq[camera]);
                    publisher.sendFrame("cam-" + camera, seq[camera]++, Codec.H264, unit.annexB(), 160, 128, unit.keyframe(),
                            Instant.now(), Map.of());
                }
            }
            disturber.join(TimeUnit.MINUTES.toMillis(3));
            publisher.flush();
            if (publisher.failed() > 0) {
                throw new AssertionError("publishing failed: " + publisher.firstError());
            }
        }
        if (stepFailure.get() != null) {
            throw stepFailure.get();
        }
        return collect(fixture, app, ledger, readCommitted, drain, disturbedAt.get());
    }

    /**
     * Reads every outcome until each published frame has one and 3 s have passed without a new one (late duplicates
     * would have shown up by then), or the drain time runs out.
     */
    private static Accounting collect(KafkaCluster fixture, String app, FrameLedger ledger, boolean readCommitted,
                                      Duration drain, Instant disturbedAt) throws InterruptedException {
        Map<String, Object> settings = fixture.settings(app);
        List<Classification> events = new ArrayList<>();
        Map<String, List<Long>> firstOrder = new HashMap<>();
        int[] deadLetters = {0};
        OutcomeCollector collector = new OutcomeCollector(fixture.client(), (String) settings.get("framewise.output.topic"),
                (String) settings.get("framewise.dead.letter.topic"), readCommitted, ledger, o -> {
                    Frame frame = o.isEvent() ? null : FramewiseSerdes.frame().decode(o.deadLetter().value());
                    String camera = o.isEvent() ? o.event().getCameraId() : frame.getCameraId();
                    long sequence = o.isEvent() ? o.event().getSequence() : frame.getSequence();
                    if (o.isEvent()) {
                        events.add(o.event());
                    } else {
                        deadLetters[0]++;
                    }
                    if (ledger.outcomes(FrameLedger.key(camera, sequence)) == 1) {
                        firstOrder.computeIfAbsent(camera, c -> new ArrayList<>()).add(sequence);
                    }
                });
        try {
            collector.awaitAccounted(drain, Duration.ofSeconds(3), () -> false);
        } finally {
            collector.close();
        }
        int outOfOrder = 0;
        for (List<Long> order : firstOrder.values()) {
            for (int i = 1; i < order.size(); i++) {
                if (order.get(i) <= order.get(i - 1)) {
                    outOfOrder++;
                    break;
                }
            }
        }
        return new Accounting((int) ledger.published(), (int) ledger.accounted(), (int) ledger.duplicates(),
                (int) ledger.missing(), deadLetters[0], events, takeover(events, disturbedAt), outOfOrder);
    }

    /**
     * The instances of {@code app} (its application.id) that own active tasks: process ids of the streams group's
     * members, or, under the classic protocol, of the consumer group's members with partitions (from their client
     * ids, {@code <application.id>-<process id>-StreamThread-N-consumer}).
     */
    public static List<String> activeMembers(KafkaCluster fixture, String app) {
        String group = (String) fixture.settings(app).get("application.id");
        try (Admin admin = Admin.create(fixture.client())) {
            var streams = admin.describeStreamsGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
            if (!streams.members().isEmpty()) {
                // (StreamsGroupDescription.toString() throws when authorized operations were not requested)
                FramewiseProcess.DIAGNOSTIC.set(streams.groupState() + " " + streams.members().stream()
                        .map(m -> m.processId() + "=" + m.assignment().activeTasks().size() + " subtopologies").toList());
                return streams.members().stream().filter(m -> !m.assignment().activeTasks().isEmpty())
                        .map(StreamsGroupMemberDescription::processId).distinct().toList();
            }
        } catch (Exception notAStreamsGroup) {
            FramewiseProcess.DIAGNOSTIC.set(notAStreamsGroup.toString());
        }
        try (Admin admin = Admin.create(fixture.client())) {
            var consumers = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
            return consumers.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty())
                    .map(MemberDescription::clientId)
                    .map(id -> id.substring(group.length() + 1, Math.max(group.length() + 1, id.indexOf("-StreamThread"))))
                    .distinct().toList();
        } catch (Exception e) {
            FramewiseProcess.DIAGNOSTIC.set(e.toString());
            return List.of();
        }
    }

    /**
     * How long after the disturbance the slowest camera got its next event: the longest stall any camera saw.
     * Measured on the events' classification timestamps.
     */
    static double takeover(List<Classification> events, Instant disturbedAt) {
        if (disturbedAt == null) {
            return Double.NaN;
        }
        Map<String, Instant> firstAfter = new HashMap<>();
        for (Classification e : events) {
            if (e.getClassifiedTimestamp().isAfter(disturbedAt)) {
                firstAfter.merge(e.getCameraId(), e.getClassifiedTimestamp(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        return firstAfter.values().stream().mapToDouble(t -> Duration.between(disturbedAt, t).toNanos() / 1e9).max().orElse(Double.NaN);
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
