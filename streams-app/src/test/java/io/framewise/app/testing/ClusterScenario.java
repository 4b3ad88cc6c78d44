package io.framewise.app.testing;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.framewise.app.publish.FramePublisher;
import io.framewise.app.publish.Outcome;
import io.framewise.app.publish.OutcomeReader;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;

/**
 * Frames from several cameras published at a steady rate into instances of {@code framewise run} (separate JVMs),
 * while the test disturbs them; then everything is read back and accounted for.
 */
public final class ClusterScenario {
    public static final int CAMERAS = 6;

    /** What came out, by (camera, sequence). */
    public record Accounting(int published, int distinct, int duplicates, int missing, int deadLetters,
                             List<Classification> events, double takeoverSeconds) {
    }

    private ClusterScenario() {
    }

    /** Arguments of {@code framewise run} for one instance of the application {@code app}. */
    public static String[] runArgs(BrokerFixture fixture, String app, Path model, String guarantee, String protocol) {
        Map<String, Object> s = fixture.settings(app);
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", fixture.broker.bootstrapServers(),
                "--model", model.toString()));
        s.put("processing.guarantee", guarantee);
        s.put("group.protocol", protocol);
        s.put("num.stream.threads", "2");
        s.put("commit.interval.ms", "200");
        s.put("consumer.session.timeout.ms", "6000");
        s.put("consumer.heartbeat.interval.ms", "1000");
        s.put("framewise.inference.intra.op.threads", "1");
        s.put("framewise.latency.budget.ms", "600000"); // accounting, not speed, is under test: classify everything
        s.put("framewise.topics.partitions", "6");
        s.remove("bootstrap.servers");
        s.put("state.dir", s.get("state.dir") + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        s.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        return args.toArray(String[]::new);
    }

    /** Something the test does to the cluster {@code atSeconds} into publishing. */
    public record Step(double atSeconds, ThrowingRunnable action) {
    }

    public static Accounting run(BrokerFixture fixture, String app, int frames, double seconds, double disturbAfter,
                                 ThrowingRunnable disturb, boolean readCommitted, Duration drain) throws Exception {
        return run(fixture, app, frames, seconds, List.of(new Step(disturbAfter, disturb)), readCommitted, drain);
    }

    /**
     * Publishes {@code frames} frames evenly over {@code seconds}, running each step at its time; returns when
     * everything published is accounted for (or the wait runs out). The takeover is measured from the last step.
     */
    public static Accounting run(BrokerFixture fixture, String app, int frames, double seconds, List<Step> steps,
                                 boolean readCommitted, Duration drain) throws Exception {
        Map<String, Object> settings = fixture.settings(app);
        String input = (String) settings.get("framewise.input.topic");
        byte[] jpeg = TestFrames.jpeg(160, 120, 0, 0);
        Instant disturbedAt = null;
        try (FramePublisher publisher = new FramePublisher(fixture.client(), input, Clock.systemUTC())) {
            long start = System.nanoTime();
            long[] seq = new long[CAMERAS];
            int nextStep = 0;
            for (int i = 0; i < frames; i++) {
                long due = start + (long) (i * seconds * 1e9 / frames);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                while (nextStep < steps.size() && System.nanoTime() - start >= steps.get(nextStep).atSeconds() * 1e9) {
                    disturbedAt = Instant.now();
                    steps.get(nextStep++).action().run();
                }
                int camera = i % CAMERAS;
                Frame f = Frame.newBuilder().setCameraId("cam-" + camera).setSequence(seq[camera]++)
                        .setCaptureTimestamp(Instant.now()).setCodec(Codec.JPEG).setPayload(ByteBuffer.wrap(jpeg))
                        .setAttributes(Map.of()).build();
                publisher.send(f.getCameraId(), f.getSequence(), FramewiseSerdes.frame().encode(f));
            }
            publisher.flush();
            if (publisher.failed() > 0) {
                throw new AssertionError("publishing failed: " + publisher.firstError());
            }
        }
        return collect(fixture, app, frames, readCommitted, drain, disturbedAt);
    }

    private static Accounting collect(BrokerFixture fixture, String app, int frames, boolean readCommitted, Duration drain,
                                      Instant disturbedAt) {
        Map<String, Object> settings = fixture.settings(app);
        List<Classification> events = new ArrayList<>();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        int deadLetters = 0;
        try (OutcomeReader reader = new OutcomeReader(fixture.client(), (String) settings.get("framewise.output.topic"),
                (String) settings.get("framewise.dead.letter.topic"), readCommitted)) {
            long deadline = System.nanoTime() + drain.toNanos();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                List<Outcome> batch = reader.poll(Duration.ofMillis(200));
                for (Outcome o : batch) {
                    if (o.isEvent()) {
                        events.add(o.event());
                        seen.merge(o.event().getCameraId() + "/" + o.event().getSequence(), 1, Integer::sum);
                    } else {
                        deadLetters++;
                    }
                }
                if (!batch.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                // all accounted and 3 s of quiet: late duplicates would have shown up by now
                if (seen.size() + deadLetters >= frames && System.nanoTime() - quietSince > 3e9) {
                    break;
                }
            }
        }
        int duplicates = seen.values().stream().mapToInt(c -> c - 1).sum();
        Set<String> expected = new java.util.HashSet<>();
        for (int i = 0; i < frames; i++) {
            expected.add("cam-" + (i % CAMERAS) + "/" + (i / CAMERAS));
        }
        expected.removeAll(seen.keySet());
        return new Accounting(frames, seen.size(), duplicates, expected.size() - deadLetters, deadLetters, events,
                takeover(events, disturbedAt));
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
