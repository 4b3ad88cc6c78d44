package io.framewise.decoder.video;

/**
 * Reads the bits of a parameter set's payload (emulation-prevention bytes already removed): fixed-width fields and
 * the Exp-Golomb codes of H.264/H.265. Reading past the end throws, so a truncated or hostile parameter set cannot
 * loop or read beyond its bytes.
 */
final class BitReader {
    private final byte[] bytes;
    private final int length;
    private long bit;

    BitReader(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    int u(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | bit();
        }
        return v;
    }

    void skip(long n) {
        if (bit + n > (long) length * 8) {
            throw new IllegalArgumentException("parameter set ends early");
        }
        bit += n;
    }

    /** An unsigned Exp-Golomb code, ue(v); at most 31 leading zero bits (larger values are no valid field). */
    long ue() {
        int zeros = 0;
        while (bit() == 0) {
            if (++zeros > 31) {
                throw new IllegalArgumentException("Exp-Golomb code longer than 32 bits");
            }
        }
        long v = 0;
        for (int i = 0; i < zeros; i++) {
            v = (v << 1) | bit();
        }
        return (1L << zeros) - 1 + v;
    }

    /** A signed Exp-Golomb code, se(v). */
    long se() {
        long k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }

    private int bit() {
        if (bit >= (long) length * 8) {
            throw new IllegalArgumentException("parameter set ends early");
        }
        int b = (bytes[(int) (bit >>> 3)] >> (7 - (int) (bit & 7))) & 1;
        bit++;
        return b;
    }
}
