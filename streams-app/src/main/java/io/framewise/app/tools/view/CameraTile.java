package io.framewise.app.tools.view;

import java.util.ArrayList;
import java.util.List;

import io.framewise.app.observability.Printable;
import io.framewise.app.observability.WindowedCount;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Label;
import io.framewise.schema.Status;

/**
 * One camera as the page shows it: its held frames, its latest outcome (an event or a dead letter) with a short
 * history of them, and its rates. Guarded by the board's lock, except the renderer, which has its own.
 */
final class CameraTile {
    /** One outcome as the page shows it. {@code sequence} is -1 when a dead letter's frame could not be read. */
    /** {@code reason}: why it was skipped or dead-lettered; {@code note}: what a classified frame's event adds. */
    record Outcome(long sequence, String status, String reason, String note, List<Scored> labels, Double latencyMs,
                   Long budgetMs, Boolean deadlineMet, String model) {
    }

    /** A label and its score. */
    record Scored(String label, float score) {
    }

    /** What the page gets for a camera: everything but the pictures, which it asks for by sequence. */
    record Snapshot(String id, String shownId, String codec, Integer width, Integer height, long lastFrame,
                    Outcome latest, Long image, String imageMissing, double framesPerSecond,
                    double eventsPerSecond, double skippedPerSecond, double deadLettersPerSecond, long seenMillisAgo) {
    }

    private static final int SHOWN_LABELS = 5;
    private static final long RATE_WINDOW_NANOS = 10_000_000_000L;
    /** A sequence this far behind the camera's latest outcome means the camera started counting again. */
    private static final long RESTART_GAP = 1000;

    final String id;
    final HeldFrames held;
    final FrameRenderer renderer;
    private final int historySize;
    /** Outcomes in sequence order, oldest first; a dead letter whose frame could not be read goes last. */
    private final List<Outcome> history = new ArrayList<>();
    /** Rates over the last ten seconds, counted in ns (the board's clock is in ms). */
    private final WindowedCount frames = new WindowedCount(RATE_WINDOW_NANOS);
    private final WindowedCount events = new WindowedCount(RATE_WINDOW_NANOS);
    private final WindowedCount skipped = new WindowedCount(RATE_WINDOW_NANOS);
    private final WindowedCount deadLetters = new WindowedCount(RATE_WINDOW_NANOS);
    private Codec codec;
    private Integer width;
    private Integer height;
    private long lastFrame = -1;
    private long lastSeenMillis;
    long version;

    CameraTile(String id, int maxFrames, long maxBytes, int historySize, long maxPixels) {
        this.id = id;
        this.held = new HeldFrames(maxFrames, maxBytes);
        this.renderer = new FrameRenderer(maxPixels);
        this.historySize = historySize;
    }

    void frame(Frame f, byte[] payload, long now) {
        held.add(new HeldFrames.Held(f.getSequence(), f.getCodec(), f.getWidth(), f.getHeight(), f.getKeyframe(),
                payload));
        codec = f.getCodec();
        width = f.getWidth();
        height = f.getHeight();
        lastFrame = f.getSequence();
        frames.add(nanos(now));
        lastSeenMillis = now;
    }

    void event(Classification c, long now) {
        List<Scored> labels = new ArrayList<>();
        for (Label l : c.getLabels()) {
            if (labels.size() == SHOWN_LABELS) {
                break;
            }
            labels.add(new Scored(Printable.of(l.getLabel(), 64), l.getScore()));
        }
        boolean ok = c.getStatus() == Status.OK;
        String note = c.getNote() == null ? null : Printable.of(c.getNote(), 300);
        String reason = ok ? null : note != null ? note : skipReason(c.getStatus());
        outcome(new Outcome(c.getSequence(), c.getStatus().name(), reason, ok ? note : null, labels,
                c.getLatency().getTotalMs(),
                c.getBudgetMs(), c.getDeadlineMet(), Printable.of(c.getModel().getName(), 64)));
        events.add(nanos(now));
        if (c.getStatus() != Status.OK) {
            skipped.add(nanos(now));
        }
        lastSeenMillis = now;
    }

    void deadLetter(long sequence, String reason, long now) {
        outcome(new Outcome(sequence, "DEAD_LETTER", Printable.of(reason, 300), null, List.of(), null, null, null,
                null));
        deadLetters.add(nanos(now));
        lastSeenMillis = now;
    }

    /**
     * Keeps the camera's outcomes in sequence order, not in the order they arrived: events and dead letters come from
     * two topics, read independently, so the dead letter of frame 6 may arrive before the event of frame 5 (a CI run
     * showed frame 5 as the latest). A sequence far behind the latest is a camera that started again: its history
     * starts again too.
     */
    private void outcome(Outcome o) {
        Outcome latest = history.isEmpty() ? null : history.get(history.size() - 1);
        if (o.sequence() < 0 || latest == null || o.sequence() >= latest.sequence()) {
            history.add(o);
        } else if (latest.sequence() - o.sequence() > RESTART_GAP) {
            history.clear();
            history.add(o);
        } else {
            int at = history.size();
            while (at > 0 && history.get(at - 1).sequence() > o.sequence()) {
                at--;
            }
            history.add(at, o);
        }
        while (history.size() > historySize) {
            history.remove(0);
        }
    }

    private static String skipReason(Status status) {
        return switch (status) {
            case SKIPPED_LATE -> "the latency budget could not be met";
            case SKIPPED_SAMPLED -> "dropped by the camera's sampling";
            case UNKNOWN -> "a status this view does not know";
            case OK -> null;
        };
    }

    private static long nanos(long millis) {
        return millis * 1_000_000;
    }

    /** The latest outcome, or null before the first. */
    Outcome latest() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    List<Outcome> history() {
        return List.copyOf(history);
    }

    /**
     * The picture the tile shows: that of the latest outcome with a frame the view holds (the newest classified frame
     * when the latest was dead-lettered), or else the newest frame.
     */
    Long imageSequence() {
        for (int i = history.size() - 1; i >= 0; i--) {
            Outcome o = history.get(i);
            if (o.sequence() >= 0 && !o.status().equals("DEAD_LETTER") && !held.toShow(o.sequence()).isEmpty()) {
                return o.sequence();
            }
        }
        return lastFrame >= 0 && !held.toShow(lastFrame).isEmpty() ? lastFrame : null;
    }

    Snapshot snapshot(String shownId, long now) {
        Long image = imageSequence();
        String missing = image != null ? null : lastFrame < 0 ? "no frame seen yet"
                : "no frame held to show" + (codec == Codec.H264 || codec == Codec.H265 ? " (waiting for a keyframe)" : "");
        return new Snapshot(id, shownId, codec == null ? null : codec.name(), width, height, lastFrame, latest(), image,
                missing, frames.perSecond(nanos(now)), events.perSecond(nanos(now)), skipped.perSecond(nanos(now)),
                deadLetters.perSecond(nanos(now)), now - lastSeenMillis);
    }
}
