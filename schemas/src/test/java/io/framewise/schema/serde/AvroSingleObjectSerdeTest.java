package io.framewise.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Label;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.ModelRef;
import io.framewise.schema.Status;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSingleObjectSerdeTest {

    static Frame frame() {
        return Frame.newBuilder().setCameraId("cam-1").setSequence(42)
                .setCaptureTimestamp(Instant.parse("2026-01-02T03:04:05.123456Z"))
                .setCodec(Codec.JPEG).setWidth(640).setHeight(480)
                .setPayload(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}))
                .setAttributes(Map.of("site", "gate-3")).build();
    }

    @Test
    void frameRoundTripsWithMicrosecondTimestampAndAttributes() {
        byte[] bytes = FramewiseSerdes.frame().encode(frame());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        Frame back = FramewiseSerdes.frame().decode(bytes);
        assertThat(back).isEqualTo(frame());
        assertThat(back.getCaptureTimestamp().getNano()).isEqualTo(123_456_000);
    }

    @Test
    void classificationRoundTrips() {
        Classification event = Classification.newBuilder().setCameraId("cam-1").setSequence(7)
                .setCaptureTimestamp(Instant.ofEpochSecond(1)).setClassifiedTimestamp(Instant.ofEpochSecond(2))
                .setModel(new ModelRef("tiny", "1")).setStatus(Status.OK)
                .setLabels(List.of(new Label(3, "cat", 0.75f)))
                .setLatency(new LatencyBreakdown(1.0, 2.0, 3.0, 0.0, 4.0, 10.0))
                .setBudgetMs(200).setDeadlineMet(true).build();
        assertThat(FramewiseSerdes.classification().decode(FramewiseSerdes.classification().encode(event)))
                .isEqualTo(event);
    }

    @Test
    void nullIsATombstoneNotAnError() {
        assertThat(FramewiseSerdes.frame().deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void emptyBytesAreRejectedClearly() {
        assertThatThrownBy(() -> FramewiseSerdes.frame().decode(new byte[0]))
                .isInstanceOf(SerializationException.class).hasMessageContaining("empty message");
    }

    @Test
    void bytesWithoutTheSingleObjectMarkerAreRejectedClearly() {
        assertThatThrownBy(() -> FramewiseSerdes.frame().decode("hello world, not avro".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("no Avro single-object header").hasMessageContaining("68 65".replace(" ", "").toUpperCase());
    }

    @Test
    void aMessageOfAnotherSchemaNamesItsFingerprint() {
        byte[] classification = FramewiseSerdes.classification().encode(Classification.newBuilder()
                .setCameraId("c").setSequence(1).setCaptureTimestamp(Instant.EPOCH).setClassifiedTimestamp(Instant.EPOCH)
                .setModel(new ModelRef("m", "1")).setStatus(Status.OK)
                .setLatency(new LatencyBreakdown(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)).setBudgetMs(1).setDeadlineMet(true).build());
        assertThatThrownBy(() -> FramewiseSerdes.frame().decode(classification))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown schema fingerprint");
    }

    @Test
    void aTruncatedMessageIsRejectedClearly() {
        byte[] bytes = FramewiseSerdes.frame().encode(frame());
        assertThatThrownBy(() -> FramewiseSerdes.frame().decode(Arrays.copyOf(bytes, bytes.length - 8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("corrupt Avro body");
    }
}
