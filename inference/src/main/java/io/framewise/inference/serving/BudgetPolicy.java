package io.framewise.inference.serving;

import java.util.Locale;

/** What to do with a frame predicted to miss its deadline. */
public enum BudgetPolicy {
    SKIP("a SKIPPED_LATE event at once, not decoded"),
    FALLBACK("classified by framewise.fallback.model.dir if that one can make it, else skipped"),
    BEST_EFFORT("classified anyway; the event says deadlineMet=false");

    private final String description;

    BudgetPolicy(String description) {
        this.description = description;
    }

    /** What the policy does, for documentation. */
    public String description() {
        return description;
    }

    /** The setting's spelling of this policy: lower case, words joined by '-' ("best-effort"). */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static BudgetPolicy parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
