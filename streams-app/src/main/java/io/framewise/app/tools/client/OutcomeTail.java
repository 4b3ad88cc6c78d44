package io.framewise.app.tools.client;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Follows the outcomes of a reader, as {@code framewise consume} does: until enough, a quiet spell, or a stop. */
public final class OutcomeTail {
    /** Why following ended. */
    public enum End { ENOUGH, IDLE, STOPPED }

    private OutcomeTail() {
    }

    /**
     * Hands each outcome to {@code each} (flushing {@code afterPoll} after every poll that brought some).
     *
     * @param max  stop after this many; negative for no limit
     * @param idle stop after this long without a record; zero to wait forever
     */
    public static End follow(OutcomeReader reader, long max, Duration idle, BooleanSupplier stopped, Consumer<Outcome> each,
                             Runnable afterPoll) {
        if (max == 0) {
            return End.ENOUGH;
        }
        long seen = 0;
        long lastRecord = System.nanoTime();
        while (!stopped.getAsBoolean()) {
            for (Outcome o : reader.poll(Duration.ofMillis(200))) {
                each.accept(o);
                lastRecord = System.nanoTime();
                if (max >= 0 && ++seen >= max) {
                    afterPoll.run();
                    return End.ENOUGH;
                }
            }
            afterPoll.run();
            if (!idle.isZero() && System.nanoTime() - lastRecord > idle.toNanos()) {
                return End.IDLE;
            }
        }
        return End.STOPPED;
    }
}
