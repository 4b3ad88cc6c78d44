package io.framewise.app.tools.demo;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.framewise.app.tools.bench.Percentiles;
import io.framewise.schema.Status;

/**
 * What a demo saw: frames published, outcomes by kind, the capture-to-event latency of classified frames, and
 * whether every published frame was matched to exactly one outcome.
 */
public record DemoReport(long published, int cameras, double seconds, Map<Status, Long> events, long deadLettered,
                         Percentiles latency, String verdict, long publishFailures, String firstPublishError,
                         boolean complete) {

    /** The one-line summary the demo ends with. */
    public String summary() {
        String statuses = events.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        long total = events.values().stream().mapToLong(Long::longValue).sum();
        return String.format(Locale.ROOT, "Summary: published %d frames from %d camera(s) in %.1f s; events %d (%s); "
                + "dead-lettered %d; capture-to-event latency %s; %s", published, cameras, seconds, total,
                statuses.isEmpty() ? "none" : statuses, deadLettered, latency,
                verdict + (publishFailures > 0 ? " (" + publishFailures + " failed to publish: " + firstPublishError + ")" : "")
                        + ".");
    }
}
