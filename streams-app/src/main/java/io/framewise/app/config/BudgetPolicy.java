package io.framewise.app.config;

import java.util.Locale;

/** What to do with a frame predicted to miss its deadline. */
public enum BudgetPolicy {
    /** Emit SKIPPED_LATE at once, without decoding. */
    SKIP,
    /** Classify with the fallback model if it can make the deadline, else skip. */
    FALLBACK,
    /** Classify anyway; the event says the deadline was missed. */
    BEST_EFFORT;

    public static BudgetPolicy parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
