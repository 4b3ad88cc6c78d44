package io.framewise.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Publishers and applications of different releases share the frames topic: frames written with Frame's first
 * schema (no H265) are read by this release, and this release's frames are read by a reader of the first schema
 * that has learned the new one, an H265 codec becoming UNKNOWN (its default). A reader that has not learned it
 * refuses the frame with a reason, rather than misreading it.
 */
class FrameSchemaHistoryTest {
    private static final Schema V1 = FramewiseSerdes.history("Frame-1.avsc");

    @Test
    void theFirstSchemaIsKeptAsItWasReleased() {
        // The fingerprint that frames of release 1 carry in their header: a history file edited by accident would no
        // longer match the frames on users' topics.
        assertThat(Long.toHexString(SchemaNormalization.parsingFingerprint64(V1))).isEqualTo("58cf8761fd5f0d5");
        assertThat(SchemaNormalization.parsingFingerprint64(V1))
                .isNotEqualTo(SchemaNormalization.parsingFingerprint64(Frame.getClassSchema()));
    }

    @Test
    void everyEarlierSchemaCanBeReadIntoTheCurrentOne() {
        for (String file : FramewiseSerdes.FRAME_HISTORY) {
            Schema old = FramewiseSerdes.history(file);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Frame.getClassSchema(), old).getType())
                    .as(file).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void aFrameOfTheFirstReleaseIsReadByThisOne() {
        GenericRecord old = new GenericRecordBuilder(V1).set("cameraId", "gate-3").set("sequence", 7L)
                .set("captureTimestamp", 1_767_322_800_123_456L)
                .set("codec", new GenericData.EnumSymbol(V1.getField("codec").schema(), "H264"))
                .set("width", 640).set("height", null).set("keyframe", false)
                .set("payload", ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 0x41}))
                .set("attributes", Map.of("site", "north")).build();
        byte[] bytes = encode(V1, old);

        Frame frame = FramewiseSerdes.frame().decode(bytes);

        assertThat(frame.getCameraId()).isEqualTo("gate-3");
        assertThat(frame.getSequence()).isEqualTo(7);
        assertThat(frame.getCaptureTimestamp()).isEqualTo(Instant.parse("2026-01-02T03:00:00.123456Z"));
        assertThat(frame.getCodec()).isEqualTo(Codec.H264);
        assertThat(frame.getKeyframe()).isFalse();
        assertThat(frame.getPayload().remaining()).isEqualTo(5);
        assertThat(frame.getAttributes()).containsEntry("site", "north");
    }

    @Test
    void aFrameOfThisReleaseIsReadByTheFirstReleaseOnceItKnowsTheSchema() throws IOException {
        byte[] bytes = FramewiseSerdes.frame().encode(h265Frame());
        BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), V1);
        oldReader.addSchema(Frame.getClassSchema());

        GenericRecord read = oldReader.decode(bytes);

        assertThat(read.get("codec")).hasToString("UNKNOWN"); // the symbol it does not know takes the enum's default
        assertThat(read.get("cameraId")).hasToString("gate-3");
        assertThat(read.get("sequence")).isEqualTo(12L);
    }

    @Test
    void aReaderThatDoesNotKnowTheSchemaRefusesTheFrameWithTheReason() {
        byte[] bytes = FramewiseSerdes.frame().encode(h265Frame());
        BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), V1);
        assertThatThrownBy(() -> oldReader.decode(bytes)).isInstanceOf(MissingSchemaException.class);

        // and this release, given a frame of a later schema (simulated by one with a field it does not know), says so
        Schema later = new Schema.Parser().parse(Frame.getClassSchema().toString()
                .replace("\"fields\":[", "\"fields\":[{\"name\":\"lens\",\"type\":\"string\",\"default\":\"\"},"));
        GenericRecord future = new GenericRecordBuilder(later).set("cameraId", "gate-3").set("sequence", 1L)
                .set("captureTimestamp", 0L).set("codec", new GenericData.EnumSymbol(later.getField("codec").schema(), "JPEG"))
                .set("payload", ByteBuffer.wrap(new byte[] {1})).set("lens", "wide").build();
        assertThatThrownBy(() -> FramewiseSerdes.frame().decode(encode(later, future)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("a later version of Frame's schema needs a reader that knows it");
    }

    private static Frame h265Frame() {
        return Frame.newBuilder().setCameraId("gate-3").setSequence(12).setCaptureTimestamp(Instant.parse("2026-01-02T03:00:00Z"))
                .setCodec(Codec.H265).setKeyframe(true).setPayload(ByteBuffer.wrap(new byte[] {0, 0, 1, 0x40, 1}))
                .setAttributes(Map.of()).build();
    }

    private static byte[] encode(Schema schema, GenericRecord record) {
        try {
            ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
