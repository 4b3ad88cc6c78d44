package io.framewise.app.tools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.framewise.app.testing.TestFrames;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.ModelRef;
import io.framewise.schema.Status;
import io.framewise.schema.serde.FramewiseSerdes;
import org.junit.jupiter.api.Test;

/** "Every frame accounted for" is a per-frame match, not a count: a lost frame and a doubled one do not cancel out. */
class FrameLedgerTest {
    private static Outcome event(String camera, long sequence) {
        Classification e = Classification.newBuilder().setCameraId(camera).setSequence(sequence)
                .setCaptureTimestamp(Instant.EPOCH).setClassifiedTimestamp(Instant.EPOCH).setModel(new ModelRef("m", "1"))
                .setStatus(Status.OK).setLabels(List.of()).setLatency(new LatencyBreakdown(0.0, 0.0, 0.0, 0.0, 0.0, 0.0))
                .setBatchSize(1).setBudgetMs(1000).setDeadlineMet(true).build();
        return new Outcome(camera, e, null);
    }

    private static Outcome deadLetter(String camera, long sequence) {
        byte[] value = FramewiseSerdes.frame().encode(TestFrames.frame(camera, sequence, Instant.EPOCH, new byte[] {1}, Codec.JPEG));
        return new Outcome(camera, null, new Outcome.DeadLetter(value, "x", "TRUNCATED", "frames", 0, 0));
    }

    @Test
    void aLostFrameAndADoubledOneAreBothReportedAlthoughTheCountsMatch() {
        FrameLedger ledger = new FrameLedger();
        for (int i = 0; i < 3; i++) {
            ledger.published("cam", i);
        }
        ledger.outcome(event("cam", 0));
        ledger.outcome(deadLetter("cam", 1));
        ledger.outcome(deadLetter("cam", 1)); // frame 1 twice, frame 2 never: three outcomes for three frames
        assertThat(ledger.complete()).isFalse();
        assertThat(ledger.missing()).isEqualTo(1);
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.verdict()).contains("1 missing, 1 duplicated");
    }

    @Test
    void eventsAndDeadLettersMatchedToTheirFramesMakeTheLedgerComplete() {
        FrameLedger ledger = new FrameLedger();
        ledger.published("a", 0);
        ledger.published("b", 0);
        ledger.outcome(event("a", 0));
        ledger.outcome(deadLetter("b", 0));
        assertThat(ledger.complete()).isTrue();
        assertThat(ledger.verdict()).isEqualTo("every frame accounted for");
        ledger.outcome(new Outcome("c", null, new Outcome.DeadLetter(new byte[] {9, 9}, "x", "not a Frame", "frames", 0, 1)));
        ledger.outcome(event("z", 4));
        assertThat(ledger.unmatched()).as("a dead letter that is no frame, an event of no published frame").isEqualTo(2);
        assertThat(ledger.complete()).isFalse();
    }

    @Test
    void anOutcomeThatOvertakesTheBrokersAcknowledgementStillAccountsForItsFrame() {
        FrameLedger ledger = new FrameLedger();
        ledger.outcome(event("cam", 7)); // the event was read before the producer's callback ran
        assertThat(ledger.unmatched()).isEqualTo(1);
        ledger.published("cam", 7);
        assertThat(ledger.accounted()).isEqualTo(1);
        assertThat(ledger.complete()).isTrue();
        assertThat(ledger.outcomes(FrameLedger.key("cam", 7))).isEqualTo(1);
    }
}
