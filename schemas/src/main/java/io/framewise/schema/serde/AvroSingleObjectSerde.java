package io.framewise.schema.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (marker {@code C3 01}, 8-byte schema fingerprint, binary body): every message names
 * its schema, so no registry server is needed and a message of another schema is recognised, not misread.
 *
 * <p>A message written with an earlier version of the schema (one this serde is given as {@code earlier}) is read
 * into the current one by Avro's schema resolution: fields added since take their defaults. A message written with
 * a later version than this serde knows is refused with a reason that says so (dead-lettered, nothing lost): upgrade
 * the readers of a topic before its writers.
 *
 * <p>Decoding failures become {@link SerializationException}s whose message says what is wrong with the bytes; Kafka
 * Streams' deserialization exception handler then routes the record to the dead-letter topic. A {@code null} value
 * (a tombstone) deserializes to {@code null}, which the topology reports as such.
 */
public final class AvroSingleObjectSerde<T extends SpecificRecord> implements Serde<T> {

    static {
        TrustedAvroClasses.install();
    }

    /** Marker (2 bytes) and schema fingerprint (8 bytes) before the body. */
    private static final int HEADER_BYTES = 10;

    private final String typeName;
    /** Every schema version this serde reads, by fingerprint: the current one and the earlier ones. */
    private final Map<Long, Schema> readable = new LinkedHashMap<>();
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    public AvroSingleObjectSerde(String typeName, Schema schema, BinaryMessageEncoder<T> encoder,
                                 BinaryMessageDecoder<T> decoder) {
        this(typeName, schema, encoder, decoder, List.of());
    }

    /**
     * @param decoder a decoder of the current schema that this serde may teach the earlier ones (not a shared one)
     * @param earlier the schema's earlier versions, which messages on the topic may still be written with
     */
    public AvroSingleObjectSerde(String typeName, Schema schema, BinaryMessageEncoder<T> encoder,
                                 BinaryMessageDecoder<T> decoder, List<Schema> earlier) {
        this.typeName = typeName;
        this.readable.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        for (Schema old : earlier) {
            this.readable.put(SchemaNormalization.parsingFingerprint64(old), old);
            decoder.addSchema(old);
        }
        this.encoder = encoder;
        this.decoder = decoder;
    }

    public byte[] encode(T value) {
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("cannot encode " + typeName + ": " + e.getMessage(), e);
        }
    }

    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 0) {
            throw new SerializationException("not a " + typeName + ": empty message (0 bytes)");
        }
        Schema writer = bytes.length >= HEADER_BYTES && bytes[0] == (byte) 0xC3 && bytes[1] == 0x01
                ? readable.get(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()) : null;
        if (writer != null) {
            try {
                BodyBounds.check(writer, bytes, HEADER_BYTES); // before Avro allocates what the lengths claim
            } catch (IllegalArgumentException e) {
                throw new SerializationException("not a " + typeName + ": corrupt Avro body (" + bytes.length + " bytes): "
                        + e.getMessage(), e);
            }
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new SerializationException("not a " + typeName + ": unknown schema fingerprint "
                    + fingerprintOf(bytes) + " (written with a schema this application does not know: a later version of "
                    + typeName + "'s schema needs a reader that knows it, or another type altogether)", e);
        } catch (BadHeaderException e) {
            throw new SerializationException("not a " + typeName + ": no Avro single-object header (expected C3 01, got "
                    + HexFormat.of().formatHex(bytes, 0, Math.min(2, bytes.length)).toUpperCase() + ")", e);
        } catch (IOException | RuntimeException e) {
            // Truncated or corrupt body: EOFException, AvroRuntimeException, negative lengths, ...
            throw new SerializationException("not a " + typeName + ": corrupt Avro body (" + bytes.length + " bytes): "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    private static String fingerprintOf(byte[] bytes) {
        return bytes.length >= 10 ? HexFormat.of().formatHex(bytes, 2, 10) : "(truncated)";
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> decode(bytes);
    }
}
