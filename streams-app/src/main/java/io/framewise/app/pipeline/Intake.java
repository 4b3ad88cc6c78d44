package io.framewise.app.pipeline;

import java.time.Instant;

import io.framewise.decoder.video.VideoSession;
import io.framewise.inference.serving.Admission;
import io.framewise.schema.Frame;

/**
 * What the {@link FrameIntake} found about one frame: its budget, how long it had waited before its processing
 * started and when that was (wall clock for the event's timestamps, monotonic for durations), what admission is to
 * decide on (its deadline, sampling, supersession, policy), whether it replays a frame answered before a failure, and,
 * for an H.264/H.265 access unit, its camera's {@link VideoSession} (null for still images).
 */
public record Intake(Frame frame, long budgetMs, Instant start, long startNanos, double queueingMs,
                     Admission.Request request, boolean replay, VideoSession video) {
}
