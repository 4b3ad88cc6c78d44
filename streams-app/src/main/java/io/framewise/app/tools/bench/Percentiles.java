package io.framewise.app.tools.bench;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a sample: the figures every report of framewise prints. */
public record Percentiles(double p50, double p95, double p99, double max, int count) {
    public static Percentiles of(double[] values) {
        if (values.length == 0) {
            return new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(nearestRank(sorted, 0.50), nearestRank(sorted, 0.95), nearestRank(sorted, 0.99),
                sorted[sorted.length - 1], sorted.length);
    }

    /** The {@code q} quantile (0..1) of an ascending sample, by nearest rank. */
    public static double nearestRank(double[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    @Override
    public String toString() {
        return count == 0 ? "n/a" : String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms", p50, p95, p99, max);
    }
}
