package io.framewise.decoder;

import java.nio.ByteBuffer;

import io.framewise.decoder.FrameDecodeException.Reason;

/**
 * What the first bytes of an encoded image say about it: the container format (by content, not by the codec the
 * publisher declared), its dimensions, and whether the file is complete.
 *
 * <p>Read before OpenCV sees the bytes so that a header declaring 60000x60000 pixels is refused before a 10 GB
 * buffer is allocated, and so that a truncated JPEG is refused instead of being decoded with a grey bottom half
 * (libjpeg only warns on a premature end).
 */
public record ImageHeader(Format format, int width, int height) {

    public enum Format { JPEG, PNG }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] PNG_IEND = {'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    public long pixels() {
        return (long) width * height;
    }

    /** The container format by the first bytes (a JPEG's start of image, PNG's signature), or null for neither. */
    public static Format formatOf(ByteBuffer data) {
        ByteBuffer b = data.duplicate();
        if (startsWith(b, PNG_SIGNATURE)) {
            return Format.PNG;
        }
        if (b.remaining() >= 2 && u8(b, 0) == 0xFF && u8(b, 1) == 0xD8) {
            return Format.JPEG;
        }
        return null;
    }

    /** Reads the header of a JPEG or PNG image; throws {@link FrameDecodeException} for anything else. */
    public static ImageHeader probe(ByteBuffer data) {
        ByteBuffer b = data.duplicate();
        if (b.remaining() == 0) {
            throw new FrameDecodeException(Reason.EMPTY, "empty payload (0 bytes)");
        }
        Format format = formatOf(b);
        if (format == Format.PNG) {
            return probePng(b);
        }
        if (format == Format.JPEG) {
            return probeJpeg(b);
        }
        throw new FrameDecodeException(Reason.CORRUPT, "payload is neither JPEG nor PNG (first bytes "
                + hex(b, Math.min(4, b.remaining())) + ")");
    }

    private static ImageHeader probePng(ByteBuffer b) {
        int p = b.position();
        if (b.remaining() < 33 || !"IHDR".equals(ascii(b, p + 12, 4))) {
            throw new FrameDecodeException(Reason.TRUNCATED, "PNG ends before its IHDR chunk (" + b.remaining() + " bytes)");
        }
        long width = Integer.toUnsignedLong(b.getInt(p + 16));
        long height = Integer.toUnsignedLong(b.getInt(p + 20));
        if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new FrameDecodeException(Reason.CORRUPT, "PNG declares invalid size " + width + "x" + height);
        }
        if (!endsWith(b, PNG_IEND)) {
            throw new FrameDecodeException(Reason.TRUNCATED, "PNG has no IEND chunk at its end (" + b.remaining()
                    + " bytes): the file was cut short");
        }
        return new ImageHeader(Format.PNG, (int) width, (int) height);
    }

    private static ImageHeader probeJpeg(ByteBuffer b) {
        int base = b.position();
        int end = b.limit();
        int i = base + 2;
        while (i + 4 <= end) {
            if (u8abs(b, i) != 0xFF) {
                throw new FrameDecodeException(Reason.CORRUPT, "JPEG marker expected at byte " + (i - base)
                        + ", found 0x" + Integer.toHexString(u8abs(b, i)));
            }
            int marker = u8abs(b, i + 1);
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // stand-alone markers
                i += 2;
                continue;
            }
            int length = (u8abs(b, i + 2) << 8) | u8abs(b, i + 3);
            if (length < 2) {
                throw new FrameDecodeException(Reason.CORRUPT, "JPEG segment 0xFF" + Integer.toHexString(marker)
                        + " has invalid length " + length);
            }
            if (isStartOfFrame(marker)) {
                if (i + 9 > end) {
                    break;
                }
                int height = (u8abs(b, i + 5) << 8) | u8abs(b, i + 6);
                int width = (u8abs(b, i + 7) << 8) | u8abs(b, i + 8);
                if (width == 0 || height == 0) {
                    throw new FrameDecodeException(Reason.CORRUPT, "JPEG declares invalid size " + width + "x" + height);
                }
                if (!jpegComplete(b)) {
                    throw new FrameDecodeException(Reason.TRUNCATED, "JPEG has no end-of-image marker (FF D9) at its end ("
                            + b.remaining() + " bytes): the file was cut short");
                }
                return new ImageHeader(Format.JPEG, width, height);
            }
            if (marker == 0xDA) { // start of scan before any frame header
                throw new FrameDecodeException(Reason.CORRUPT, "JPEG scan starts before its frame header (no SOF marker)");
            }
            i += 2 + length;
        }
        throw new FrameDecodeException(Reason.TRUNCATED, "JPEG ends before its frame header (" + b.remaining() + " bytes)");
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** Encoders may pad after EOI; a few trailing zero bytes are tolerated. */
    private static boolean jpegComplete(ByteBuffer b) {
        int i = b.limit() - 1;
        int floor = Math.max(b.position(), b.limit() - 64);
        while (i > floor && b.get(i) == 0) {
            i--;
        }
        return i - 1 >= b.position() && u8abs(b, i - 1) == 0xFF && u8abs(b, i) == 0xD9;
    }

    private static boolean startsWith(ByteBuffer b, byte[] prefix) {
        if (b.remaining() < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b.get(b.position() + k) != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(ByteBuffer b, byte[] suffix) {
        if (b.remaining() < suffix.length) {
            return false;
        }
        int start = b.limit() - suffix.length;
        for (int k = 0; k < suffix.length; k++) {
            if (b.get(start + k) != suffix[k]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(ByteBuffer b, int relative) {
        return b.get(b.position() + relative) & 0xFF;
    }

    private static int u8abs(ByteBuffer b, int absolute) {
        return b.get(absolute) & 0xFF;
    }

    private static String ascii(ByteBuffer b, int absolute, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            s.append((char) (b.get(absolute + k) & 0xFF));
        }
        return s.toString();
    }

    private static String hex(ByteBuffer b, int n) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < n; k++) {
            s.append(String.format("%02X ", u8(b, k)));
        }
        return s.toString().trim();
    }
}
