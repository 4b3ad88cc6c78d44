package io.framewise.schema.serde;

import org.apache.avro.Schema;

/**
 * Checks an Avro binary body against its schema before Avro decodes it: every string, bytes and fixed length, every
 * array or map block count and every union or enum index must fit in the bytes that follow it. Avro itself allocates
 * a string or bytes value from the length the message claims before reading it, so a 34-byte record claiming a
 * 2 GiB payload made it allocate 2 GiB; after this check, nothing Avro allocates for a message is larger than the
 * message.
 *
 * <p>It only walks lengths and counts (nothing is allocated), in time linear in the body's size: every element it
 * steps over consumes at least one byte, except null values, whose counts are bounded by the bytes as well.
 */
final class BodyBounds {
    private final byte[] bytes;
    private int pos;

    private BodyBounds(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.pos = offset;
    }

    /**
     * Walks the body that starts at {@code offset} and throws {@link IllegalArgumentException} naming the first field
     * whose length or count does not fit.
     */
    static void check(Schema schema, byte[] bytes, int offset) {
        new BodyBounds(bytes, offset).walk(schema, schema.getName());
    }

    private void walk(Schema schema, String where) {
        switch (schema.getType()) {
            case NULL -> {
                // no bytes
            }
            case BOOLEAN -> skip(1, where);
            case INT, LONG -> readLong(where);
            case FLOAT -> skip(4, where);
            case DOUBLE -> skip(8, where);
            case STRING, BYTES -> skip(length(where), where);
            case FIXED -> skip(schema.getFixedSize(), where);
            case ENUM -> index(schema.getEnumSymbols().size(), where);
            case UNION -> {
                int branch = index(schema.getTypes().size(), where);
                walk(schema.getTypes().get(branch), where);
            }
            case RECORD -> schema.getFields().forEach(f -> walk(f.schema(), where + "." + f.name()));
            case ARRAY -> blocks(where, () -> walk(schema.getElementType(), where + "[]"));
            case MAP -> blocks(where, () -> {
                skip(length(where + " key"), where + " key");
                walk(schema.getValueType(), where + "{}");
            });
        }
    }

    /** Array and map blocks: a count (negative: followed by the block's size in bytes), then the items, until 0. */
    private void blocks(String where, Runnable item) {
        while (true) {
            long count = readLong(where);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                long size = readLong(where);
                if (size < 0 || size > remaining()) {
                    throw new IllegalArgumentException(where + " claims a block of " + size + " bytes, " + remaining() + " remain");
                }
            }
            // every item of our schemas takes at least one byte; a count beyond the bytes left is a lie
            if (count > Math.max(1, remaining())) {
                throw new IllegalArgumentException(where + " claims " + count + " items, " + remaining() + " bytes remain");
            }
            for (long i = 0; i < count; i++) {
                item.run();
            }
        }
    }

    private int index(int size, String where) {
        long index = readLong(where);
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException(where + " has index " + index + " of " + size);
        }
        return (int) index;
    }

    private long length(String where) {
        long length = readLong(where);
        if (length < 0 || length > remaining()) {
            throw new IllegalArgumentException(where + " claims " + length + " bytes, " + remaining() + " remain");
        }
        return length;
    }

    private void skip(long n, String where) {
        if (n > remaining()) {
            throw new IllegalArgumentException(where + " needs " + n + " bytes, " + remaining() + " remain");
        }
        pos += (int) n;
    }

    private int remaining() {
        return bytes.length - pos;
    }

    /** Avro's zig-zag varint, at most 10 bytes. */
    private long readLong(String where) {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= bytes.length) {
                throw new IllegalArgumentException(where + " is cut short");
            }
            int b = bytes[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IllegalArgumentException(where + " has a malformed varint");
    }
}
