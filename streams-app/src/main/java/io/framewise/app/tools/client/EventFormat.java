package io.framewise.app.tools.client;

import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.app.observability.Printable;
import io.framewise.schema.Classification;
import io.framewise.schema.Label;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.Status;

/**
 * How outcomes are shown by every command ({@code demo}, {@code consume}): one table row, or one JSON object per line;
 * an event and a dead letter each have one shape.
 */
public final class EventFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventFormat() {
    }

    public static String header() {
        return String.format(Locale.ROOT, "%-12s %6s  %-13s %-44s %8s %8s  %s", "camera", "seq", "status", "top classes",
                "infer ms", "total ms", "deadline");
    }

    public static String row(Classification e) {
        String labels = e.getLabels().stream().limit(3)
                .map(l -> String.format(Locale.ROOT, "%s %.2f", l.getLabel(), l.getScore()))
                .collect(Collectors.joining(", "));
        LatencyBreakdown l = e.getLatency();
        // a publisher's text is escaped: an id holding ANSI escapes cleared the screen of a consume table
        return String.format(Locale.ROOT, "%-12s %6d  %-13s %-44s %8.1f %8.1f  %s", Printable.of(e.getCameraId()), e.getSequence(),
                e.getStatus(), labels.length() > 44 ? labels.substring(0, 41) + "..." : labels, l.getInferenceMs(),
                l.getTotalMs(), deadline(e));
    }

    /**
     * Met or missed for a classified frame; for a skipped one, why it was skipped (its note): a skip is the budget
     * policy's answer, not a missed deadline, and its total says how quickly that answer came.
     */
    private static String deadline(Classification e) {
        if (e.getStatus() != Status.OK) {
            // the reason, not the model's note after it
            return e.getNote() == null ? "skipped" : Printable.of(e.getNote().split(";")[0]);
        }
        return e.getDeadlineMet() ? "met" : "MISSED (" + e.getBudgetMs() + " ms)";
    }

    /** One outcome, as a table row or a JSON line. */
    public static String format(Outcome o, boolean json) {
        if (o.isEvent()) {
            return json ? json(o.event()) : row(o.event());
        }
        Outcome.DeadLetter d = o.deadLetter();
        if (!json) {
            return String.format(Locale.ROOT, "%-12s DEAD LETTER  %s: %s (from %s-%d@%d)", Printable.of(o.key()),
                    Printable.of(d.exception()), Printable.of(d.message(), 512), Printable.of(d.sourceTopic()), d.partition(),
                    d.offset());
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("deadLetter", true);
        n.put("key", o.key());
        n.put("exception", d.exception());
        n.put("message", d.message());
        n.put("sourceTopic", d.sourceTopic());
        n.put("partition", d.partition());
        n.put("offset", d.offset());
        return n.toString();
    }

    public static String json(Classification e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("cameraId", e.getCameraId());
        o.put("sequence", e.getSequence());
        o.put("captureTimestamp", e.getCaptureTimestamp().toString());
        o.put("classifiedTimestamp", e.getClassifiedTimestamp().toString());
        o.put("model", e.getModel().getName());
        o.put("modelVersion", e.getModel().getVersion());
        o.put("status", e.getStatus().name());
        ArrayNode labels = o.putArray("labels");
        for (Label l : e.getLabels()) {
            labels.addObject().put("index", l.getIndex()).put("label", l.getLabel()).put("score", l.getScore());
        }
        LatencyBreakdown l = e.getLatency();
        o.putObject("latencyMs").put("queueing", l.getQueueingMs()).put("decode", l.getDecodeMs())
                .put("preprocess", l.getPreprocessMs()).put("batchWait", l.getBatchWaitMs())
                .put("inference", l.getInferenceMs()).put("total", l.getTotalMs());
        o.put("batchSize", e.getBatchSize());
        o.put("budgetMs", e.getBudgetMs());
        o.put("deadlineMet", e.getDeadlineMet());
        if (e.getNote() != null) {
            o.put("note", e.getNote());
        }
        return o.toString();
    }
}
