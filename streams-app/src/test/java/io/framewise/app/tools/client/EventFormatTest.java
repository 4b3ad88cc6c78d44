package io.framewise.app.tools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.framewise.schema.Classification;
import io.framewise.schema.Label;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.ModelRef;
import io.framewise.schema.Status;
import org.junit.jupiter.api.Test;

class EventFormatTest {
    @Test
    void aDeadLetterIsOneValidJsonObjectWhateverItsKeyAndMessageHold() throws Exception {
        Outcome o = new Outcome("cam \"7\"\\north", null, new Outcome.DeadLetter(new byte[0],
                "io.framewise.decoder.FrameDecodeException", "TRUNCATED: \"end of image\" missing\nat byte 12", "frames", 3, 42));
        JsonNode n = new ObjectMapper().readTree(EventFormat.format(o, true));
        assertThat(n.get("deadLetter").asBoolean()).isTrue();
        assertThat(n.get("key").asText()).isEqualTo("cam \"7\"\\north");
        assertThat(n.get("message").asText()).isEqualTo("TRUNCATED: \"end of image\" missing\nat byte 12");
        assertThat(n.get("exception").asText()).isEqualTo("io.framewise.decoder.FrameDecodeException");
        assertThat(n.get("sourceTopic").asText()).isEqualTo("frames");
        assertThat(n.get("partition").asInt()).isEqualTo(3);
        assertThat(n.get("offset").asLong()).isEqualTo(42);
        assertThat(EventFormat.format(o, false)).contains("DEAD LETTER").contains("TRUNCATED").contains("frames-3@42");
    }

    @Test
    void aSkippedFrameSaysWhyItWasSkippedNotThatItMissedItsDeadline() {
        // the demo showed "MISSED (1000 ms)" beside a frame skipped after 330 ms
        String row = EventFormat.row(event(Status.SKIPPED_LATE, List.of(), 330.0, false,
                "skipped: superseded by newer frames of its camera; random weights: labels are not meaningful"));
        assertThat(row).contains("SKIPPED_LATE").endsWith("skipped: superseded by newer frames of its camera")
                .doesNotContain("MISSED").doesNotContain("random weights");
    }

    @Test
    void aClassifiedFrameSaysWhetherItMetItsDeadline() {
        List<Label> labels = List.of(new Label(3, "cat", 0.75f));
        assertThat(EventFormat.row(event(Status.OK, labels, 120.0, true, null))).contains("cat 0.75").endsWith("met");
        assertThat(EventFormat.row(event(Status.OK, labels, 1300.0, false, null))).endsWith("MISSED (1000 ms)");
    }

    private static Classification event(Status status, List<Label> labels, double totalMs, boolean met, String note) {
        return Classification.newBuilder().setCameraId("cam-1").setSequence(7)
                .setCaptureTimestamp(Instant.ofEpochSecond(1)).setClassifiedTimestamp(Instant.ofEpochSecond(2))
                .setModel(new ModelRef("tiny", "1")).setStatus(status).setLabels(labels)
                .setLatency(new LatencyBreakdown(1.0, 0.0, 0.0, 0.0, 0.0, totalMs))
                .setBudgetMs(1000).setDeadlineMet(met).setNote(note).build();
    }

    @Test
    void whatAPublisherControlsIsEscapedInTheTable() {
        // an id holding ANSI escapes cleared the screen of a consume table; one holding a newline forged a row
        Classification e = Classification.newBuilder(event(Status.OK, List.of(), 1.0, true, null))
                .setCameraId("cam\u001b[2J\nforged").build();
        assertThat(EventFormat.row(e)).startsWith("cam\\u001b[2J\\nforged").doesNotContain("\u001b").doesNotContain("\n");
        Outcome letter = new Outcome("cam\u001b[2J", null, new Outcome.DeadLetter(new byte[0], "X", "bad\nframe", "frames", 0, 1));
        assertThat(EventFormat.format(letter, false)).contains("cam\\u001b[2J").contains("bad\\nframe")
                .doesNotContain("\u001b").doesNotContain("\n");
    }
}
