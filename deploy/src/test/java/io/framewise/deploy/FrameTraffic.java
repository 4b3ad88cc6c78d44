package io.framewise.deploy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.framewise.app.testing.TestFrames;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.Outcome;
import io.framewise.app.tools.client.OutcomeReader;
import io.framewise.app.tools.client.Pacer;
import io.framewise.schema.Codec;

/** Publishes camera frames (and, on request, bytes that are no frame) and accounts for every one of them. */
final class FrameTraffic {
    private final Map<String, Object> client;
    private final String framesTopic;
    private final FrameLedger ledger = new FrameLedger();
    private final List<Outcome> outcomes = new ArrayList<>();
    private final OutcomeReader reader;
    private long garbage;

    FrameTraffic(Map<String, Object> client, String framesTopic, String eventsTopic, String deadLetterTopic) {
        this.client = client;
        this.framesTopic = framesTopic;
        this.reader = new OutcomeReader(client, eventsTopic, deadLetterTopic, true);
    }

    /** {@code perCamera} frames from each of {@code cameras} cameras at {@code fps}, and {@code bad} records of garbage. */
    void publish(int cameras, int perCamera, double fps, int bad) throws Exception {
        // garbage goes through a publisher of its own: the ledger expects an event for every frame it is told of
        try (FramePublisher publisher = new FramePublisher(client, framesTopic, Clock.systemUTC()).withLedger(ledger);
             FramePublisher garbagePublisher = new FramePublisher(client, framesTopic, Clock.systemUTC())) {
            Pacer pacer = new Pacer(fps);
            for (int i = 0; i < perCamera; i++) {
                pacer.awaitFrame(i);
                for (int c = 0; c < cameras; c++) {
                    publisher.sendFrame("cam-" + c, i, Codec.JPEG, TestFrames.jpeg(320, 240, c, i), 320, 240, Map.of());
                }
                if (i < bad) {
                    garbagePublisher.send("broken-camera", i, new byte[] {1, 2, 3});
                    garbage++;
                }
            }
            publisher.flush();
            garbagePublisher.flush();
            if (publisher.failed() + garbagePublisher.failed() > 0) {
                throw new AssertionError("publishing failed: " + publisher.firstError() + " " + garbagePublisher.firstError());
            }
        }
    }

    /** Reads outcomes until every frame and every garbage record is accounted for, or the timeout. */
    List<Outcome> awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long deadLetters = 0;
        while (System.nanoTime() < deadline && !(ledger.complete() && deadLetters >= garbage)) {
            for (Outcome o : reader.poll(Duration.ofMillis(200))) {
                outcomes.add(o);
                if (o.isEvent()) {
                    ledger.outcome(o);
                } else {
                    deadLetters++;
                }
            }
        }
        if (!ledger.complete() || deadLetters < garbage) {
            throw new AssertionError("not every record was accounted for within " + timeout + ": " + ledger.verdict()
                    + "; dead letters " + deadLetters + " of " + garbage);
        }
        return outcomes;
    }

    void close() {
        reader.close();
    }
}
