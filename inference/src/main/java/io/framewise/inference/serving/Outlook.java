package io.framewise.inference.serving;

/**
 * What a served model expects for a frame that would start preparing now.
 *
 * @param completionNanos when its answer would come (monotonic nanoseconds)
 * @param probeDue        it has had no feedback for a while and no probe is out: admit one frame to measure
 */
public record Outlook(long completionNanos, boolean probeDue) {
}
