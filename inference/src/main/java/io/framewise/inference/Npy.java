package io.framewise.inference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy {@code .npy} files of little-endian float32 in C order (what {@code np.save} writes for float32 arrays). */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** A float32 array: shape and values in C order, in a direct buffer ready to feed a tensor. */
    public record Array(long[] shape, FloatBuffer values) {
    }

    private Npy() {
    }

    public static Array readFloat32(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || (bytes[0] & 0xFF) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(file + " is not a .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int headerStart = major == 1 ? 10 : 12;
        String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new IOException(file + ": unreadable .npy header " + header.strip());
        }
        if (!descr.group(1).equals("<f4")) {
            throw new IOException(file + " holds " + descr.group(1) + ", expected little-endian float32 ('<f4'): "
                    + "save it with np.save(path, array.astype(np.float32))");
        }
        if (fortran.group(1).equals("True")) {
            throw new IOException(file + " is in Fortran order; save a C-ordered array (np.ascontiguousarray)");
        }
        long[] dims = Arrays.stream(shape.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long n = Arrays.stream(dims).reduce(1, (x, y) -> x * y);
        int dataStart = headerStart + headerLength;
        if (bytes.length - dataStart != 4 * n) {
            throw new IOException(file + ": shape " + Arrays.toString(dims) + " needs " + 4 * n + " bytes of data, found "
                    + (bytes.length - dataStart));
        }
        FloatBuffer values = ByteBuffer.allocateDirect((int) (4 * n)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        values.put(b.position(dataStart).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()).flip();
        return new Array(dims, values);
    }

    /** Writes a float32 C-order array. */
    public static void writeFloat32(Path file, long[] shape, float[] values) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + (shape.length == 1 ? dims.toString().trim()
                : dims.substring(0, Math.max(0, dims.length() - 2))) + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        out.asFloatBuffer().put(values);
        Files.write(file, out.array());
    }
}
