package io.framewise.app.topology;

import java.time.Instant;

import io.framewise.schema.Classification;

/**
 * What a frame's event needs besides the analysis: the event under construction (identity, budget, the primary
 * model), how long the frame had waited before its processing started, and when that was (wall clock for the event's
 * timestamps, monotonic for durations), and whether the frame is a replay of one answered before a failure.
 */
record EventContext(Classification.Builder event, double queueingMs, Instant start, long startNanos, boolean replay) {
}
