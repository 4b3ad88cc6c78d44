package io.framewise.inference.serving;

/**
 * A served model as events and meters name it: its name and version (from its metadata) and the precision it
 * computes in ("float32" or "bfloat16"). A small value, so that observability keys its meters by it and needs nothing
 * else of the model.
 */
public record ModelTag(String name, String version, String precision) {
}
