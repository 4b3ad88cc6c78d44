package io.framewise.deploy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one small file out of a tar archive (an image's manifest or configuration) without unpacking the rest. */
final class TarEntries {
    private static final int BLOCK = 512;
    private static final long MAX_ENTRY = 1 << 20;

    private TarEntries() {
    }

    static byte[] read(Path tar, String name) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
                String entry = field(header, 0, 100);
                String octal = field(header, 124, 12).trim();
                long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (entry.equals(name) || entry.equals("./" + name)) {
                    if (size > MAX_ENTRY) {
                        throw new IOException(tar + ": " + name + " is " + size + " bytes, more than expected of it");
                    }
                    byte[] data = in.readNBytes((int) size);
                    if (data.length != size) {
                        throw new IOException(tar + ": " + name + " is cut short");
                    }
                    return data;
                }
                in.skipNBytes(padded);
            }
        }
        throw new IOException(tar + " has no " + name + "; is it an image built by this build?");
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
