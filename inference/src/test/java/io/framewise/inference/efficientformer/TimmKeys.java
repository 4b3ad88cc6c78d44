package io.framewise.inference.efficientformer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One line of the test resource timm-keys/VARIANT.txt: {@code name [d0, d1, ...] dtype}. */
record TimmKeys(String name, long[] shape, String dtype) {

    static List<TimmKeys> of(Variant v) throws IOException {
        List<TimmKeys> keys = new ArrayList<>();
        for (String line : Reference.timmKeyLines(v)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int open = line.indexOf('[');
            int close = line.indexOf(']');
            String dims = line.substring(open + 1, close).trim();
            long[] shape = dims.isEmpty() ? new long[0]
                    : Arrays.stream(dims.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
            keys.add(new TimmKeys(line.substring(0, open).trim(), shape, line.substring(close + 1).trim()));
        }
        return keys;
    }

    long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    boolean isFloat() {
        return dtype.startsWith("float");
    }
}
