package io.framewise.inference;

import java.util.Arrays;

/** Indices of the k largest values, largest first; ties keep the lower index first. O(n k), for small k. */
public final class TopK {
    private TopK() {
    }

    public static int[] indices(float[] values, int k) {
        int[] best = new int[k];
        int filled = 0;
        for (int i = 0; i < values.length; i++) {
            if (filled == k && values[i] <= values[best[k - 1]]) {
                continue;
            }
            int j = filled < k ? filled++ : k - 1;
            while (j > 0 && values[best[j - 1]] < values[i]) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        return filled == k ? best : Arrays.copyOf(best, filled);
    }
}
