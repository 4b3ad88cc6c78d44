package io.framewise.app.pipeline;

import java.util.List;
import java.util.function.LongSupplier;

import io.framewise.app.observability.FrameMetrics;
import io.framewise.inference.serving.ModelTag;
import io.framewise.inference.serving.ServedModel;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Label;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.ModelRef;
import io.framewise.schema.Status;

/**
 * Turns a frame's {@link Intake} and {@link Analysis} into its event, and counts it in the meters: a classified
 * frame's labels, stage latencies, batch and deadline verdict; a skipped frame's status and the reason in its note
 * (the primary model's name on it, whichever model it was routed to). Durations run on the monotonic clock from the
 * intake's start; the event's total covers the wait before it.
 */
public final class EventAssembler {
    private static final String REPLAY_NOTE =
            "replay: this frame was answered before a failure (at_least_once); its first event stands";

    private final ServedModels models;
    private final FrameMetrics metrics;
    private final LongSupplier nanoTime;

    public EventAssembler(ServedModels models, FrameMetrics metrics, LongSupplier nanoTime) {
        this.models = models;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    /** The frame's event, now; its meters are counted. */
    public Classification assemble(Intake intake, Analysis a) {
        return a.classified() ? classified(intake, a) : skipped(intake, a);
    }

    private Classification classified(Intake intake, Analysis a) {
        double totalMs = totalMs(intake);
        boolean met = totalMs <= intake.budgetMs();
        LatencyBreakdown latency = new LatencyBreakdown(intake.queueingMs(), a.decodeNanos() / 1e6, a.preprocessNanos() / 1e6,
                a.batchWaitNanos() / 1e6, a.inferenceNanos() / 1e6, totalMs);
        String note = join(a.model().note(), a.decodedAs() == null ? null : "payload decoded as " + a.decodedAs());
        Classification.Builder event = identity(intake, a.model()).setStatus(Status.OK)
                .setNote(intake.replay() ? join(REPLAY_NOTE, note) : note)
                .setLabels(a.predictions().stream().map(p -> new Label(p.index(), p.label(), p.score())).toList())
                .setLatency(latency).setBatchSize(a.batchSize()).setDeadlineMet(met);
        ModelTag tag = a.model().tag();
        metrics.classified(tag, a.batchSize(), met);
        metrics.stage(FrameMetrics.Stage.DECODE, latency.getDecodeMs());
        metrics.stage(FrameMetrics.Stage.PREPROCESS, latency.getPreprocessMs());
        metrics.stage(FrameMetrics.Stage.BATCH_WAIT, latency.getBatchWaitMs());
        metrics.stage(FrameMetrics.Stage.INFERENCE, latency.getInferenceMs());
        return finish(event, intake, Status.OK, totalMs, tag);
    }

    /** A skipped frame's event; a frame shed after it was prepared says what preparing it cost. */
    private Classification skipped(Intake intake, Analysis a) {
        ServedModel primary = models.primary();
        double totalMs = totalMs(intake);
        Status status = a.skip().status();
        Classification.Builder event = identity(intake, primary).setStatus(status)
                .setNote(join("skipped: " + (a.detail() != null ? a.detail() : a.skip().text()), primary.note()))
                .setLabels(List.of()).setDeadlineMet(false)
                .setLatency(new LatencyBreakdown(intake.queueingMs(), a.decodeNanos() / 1e6, a.preprocessNanos() / 1e6,
                        0.0, 0.0, totalMs));
        metrics.skipped(intake.frame().getCameraId(), a.skip());
        return finish(event, intake, status, totalMs, primary.tag());
    }

    private static Classification.Builder identity(Intake intake, ServedModel model) {
        return Classification.newBuilder().setCameraId(intake.frame().getCameraId()).setSequence(intake.frame().getSequence())
                .setCaptureTimestamp(intake.frame().getCaptureTimestamp()).setBudgetMs(intake.budgetMs())
                .setModel(new ModelRef(model.tag().name(), model.tag().version()));
    }

    private Classification finish(Classification.Builder event, Intake intake, Status status, double totalMs, ModelTag tag) {
        event.setClassifiedTimestamp(intake.start().plusNanos((long) ((totalMs - intake.queueingMs()) * 1e6)));
        metrics.event(intake.frame().getCameraId(), status, tag, totalMs);
        metrics.stage(FrameMetrics.Stage.QUEUEING, intake.queueingMs());
        metrics.stage(FrameMetrics.Stage.TOTAL, totalMs);
        return event.build();
    }

    private double totalMs(Intake intake) {
        return intake.queueingMs() + (nanoTime.getAsLong() - intake.startNanos()) / 1e6;
    }

    private static String join(String first, String second) {
        if (first == null) {
            return second;
        }
        return second == null ? first : first + "; " + second;
    }
}
