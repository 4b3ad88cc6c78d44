package io.framewise.app.tools.client;

import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The capture times of a video stream's access units on the camera's own clock, where the protocol gives it: the
 * sender's wall-clock time of presentation time 0 (RTSP: from its RTCP sender reports) plus the access unit's
 * presentation time. An access unit without a presentation time follows the one before it by a frame interval. Where
 * the stream has no sender clock (files, most other protocols) there is no camera time, and the publisher stamps its
 * own.
 */
final class CaptureClock {
    private final LongSupplier senderEpochMicros;
    private final long intervalMicros;
    private long lastMicros = -1;

    /** @param senderEpochMicros the sender's time of presentation time 0 (µs since the epoch), or -1 while unknown */
    CaptureClock(LongSupplier senderEpochMicros, long intervalMicros) {
        this.senderEpochMicros = senderEpochMicros;
        this.intervalMicros = intervalMicros;
    }

    /** The access unit's capture time (µs since the epoch) by the camera's clock, or empty when it has none. */
    OptionalLong capture(long ptsMicros) {
        long epoch = senderEpochMicros.getAsLong();
        if (epoch < 0) {
            return OptionalLong.empty();
        }
        if (ptsMicros >= 0) {
            lastMicros = epoch + ptsMicros;
        } else if (lastMicros >= 0) {
            lastMicros += intervalMicros;
        } else {
            return OptionalLong.empty();
        }
        return OptionalLong.of(lastMicros);
    }

    /** True when the camera's clock is known but the stream has not yet given a time to count from. */
    boolean waitsForTime() {
        return senderEpochMicros.getAsLong() >= 0 && lastMicros < 0;
    }

    long intervalMicros() {
        return intervalMicros;
    }
}
