package io.framewise.inference.efficientformer.weights;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header mapping each tensor
 * name to {@code dtype}, {@code shape} and {@code data_offsets} within the data section, then the data, little-endian
 * and row-major. The file is memory-mapped; tensors are converted to float32 on demand (F32, F16, BF16, F64).
 */
public final class Safetensors {
    /** Headers beyond this size are refused, as the reference implementation does (denial of service). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor of a file: its metadata, and its values converted to float32 on request. */
    public record Entry(String name, String dtype, long[] shape, ByteBuffer data) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public boolean isFloatingPoint() {
            return dtype.equals("F32") || dtype.equals("F16") || dtype.equals("BF16") || dtype.equals("F64");
        }

        public float[] toFloats() {
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[(int) elements()];
            switch (dtype) {
                case "F32" -> b.asFloatBuffer().get(out);
                case "F64" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) b.getDouble(i * 8);
                    }
                }
                case "BF16" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
                    }
                }
                case "F16" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = SafetensorsHalf.toFloat(b.getShort(i * 2));
                    }
                }
                default -> throw new WeightException(name + " has dtype " + dtype + ", not a floating-point tensor");
            }
            return out;
        }
    }

    private Safetensors() {
    }


    /** Reads the header of {@code file} and maps its data; entries are in the header's order. */
    public static Map<String, Entry> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new IOException(file + " is not a safetensors file: " + size + " bytes");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw new IOException(file + " is not a safetensors file: header length " + headerLength + " for a file of "
                        + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            channel.read(header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IOException(file + ": safetensors header is not valid JSON: " + e.getMessage(), e);
            }
            long dataStart = 8 + headerLength;
            long dataSize = size - dataStart;
            if (dataSize > Integer.MAX_VALUE) {
                throw new IOException(file + ": data section over 2 GiB is not supported");
            }
            MappedByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart, dataSize);
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                if (field.getKey().equals("__metadata__")) {
                    continue;
                }
                entries.put(field.getKey(), entry(file, field.getKey(), field.getValue(), data, dataSize));
            }
            return entries;
        }
    }

    private static Entry entry(Path file, String name, JsonNode node, ByteBuffer data, long dataSize) throws IOException {
        String dtype = node.path("dtype").asText();
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (dtype.isEmpty() || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new IOException(file + ": tensor " + name + " has an invalid header entry " + node);
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
            elements *= shape[i];
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        long expected = elements * bytesPer(dtype);
        if (begin < 0 || end < begin || end > dataSize || (bytesPer(dtype) > 0 && end - begin != expected)) {
            throw new IOException(file + ": tensor " + name + " has data offsets [" + begin + ", " + end + "] that do not fit "
                    + dtype + " " + Arrays.toString(shape) + " in " + dataSize + " bytes of data");
        }
        ByteBuffer slice = data.duplicate().position((int) begin).limit((int) end).slice();
        return new Entry(name, dtype, shape, slice);
    }

    private static int bytesPer(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    /** A tensor to write: dtype, shape, and its little-endian bytes. */
    public record Tensor(String dtype, long[] shape, byte[] data) {
        public static Tensor f32(long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor("F32", shape, b.array());
        }

        public static Tensor i64(long[] shape, long[] values) {
            ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(values);
            return new Tensor("I64", shape, b.array());
        }
    }

    /** Writes tensors in the given order, with the 8-byte aligned header the reference implementation writes. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            ObjectNode e = header.putObject(t.getKey());
            e.put("dtype", t.getValue().dtype());
            var shape = e.putArray("shape");
            for (long d : t.getValue().shape()) {
                shape.add(d);
            }
            long bytes = t.getValue().data().length;
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int padding = (8 - headerBytes.length % 8) % 8;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length + padding).array());
            out.write(headerBytes);
            out.write(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII));
            for (Tensor t : tensors.values()) {
                out.write(t.data());
            }
        }
    }
}
