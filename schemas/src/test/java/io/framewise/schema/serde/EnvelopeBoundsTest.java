package io.framewise.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import com.sun.management.ThreadMXBean;
import io.framewise.schema.Frame;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Lengths in the Avro envelope are checked against the record's own size before anything is allocated: a 34-byte
 * record claiming a 2 GiB payload took a running instance's heap from 119 MB to 2.16 GB, and a dozen of them ended it.
 * Allocation is measured per thread (bytes this thread allocated), which does not depend on the machine's speed.
 */
class EnvelopeBoundsTest {
    private static final ThreadMXBean THREADS =
            (ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** What decoding a small record may allocate at most, whatever it claims: Avro's decoder, the record, a message. */
    private static final long SMALL_DECODE_BUDGET = 1 << 20;

    @Test
    void aPayloadLengthBeyondTheRecordIsRejectedBeforeAnythingIsAllocated() throws IOException {
        // just under Avro's own limit (Integer.MAX_VALUE - 8), which it checks; below it, it allocated what was claimed
        byte[] hostile = frameClaiming(Integer.MAX_VALUE - 16, "cam");
        assertThat(hostile.length).isLessThan(40);
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> FramewiseSerdes.frame().decode(hostile))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt Avro body (" + hostile.length + " bytes)")
                .hasMessageContaining("Frame.payload claims 2147483631 bytes"));
        assertThat(allocated).as("bytes allocated to refuse it").isLessThan(SMALL_DECODE_BUDGET);
    }

    @Test
    void aCameraIdOrAttributeLengthBeyondTheRecordIsRejected() throws IOException {
        ByteArrayOutputStream out = header();
        BinaryEncoder body = EncoderFactory.get().directBinaryEncoder(out, null);
        body.writeLong(1L << 40); // cameraId's length
        body.flush();
        assertThatThrownBy(() -> FramewiseSerdes.frame().decode(out.toByteArray())).isInstanceOf(SerializationException.class)
                .hasMessageContaining("Frame.cameraId claims 1099511627776 bytes");

        ByteArrayOutputStream map = header();
        BinaryEncoder b = EncoderFactory.get().directBinaryEncoder(map, null);
        writeFixedFields(b, "cam");
        b.writeBytes(new byte[] {1, 2, 3});
        b.writeLong(1_000_000_000L); // attribute count
        b.flush();
        assertThatThrownBy(() -> FramewiseSerdes.frame().decode(map.toByteArray())).isInstanceOf(SerializationException.class)
                .hasMessageContaining("Frame.attributes claims 1000000000 items");
    }

    @Test
    void aWellFormedFrameStillDecodes() {
        Frame frame = AvroSingleObjectSerdeTest.frame();
        assertThat(FramewiseSerdes.frame().decode(FramewiseSerdes.frame().encode(frame))).isEqualTo(frame);
    }

    /**
     * 20,000 seeded mutations of a real frame's envelope, aimed at its lengths and counts (a varint byte replaced by a
     * large one, continuation bits set, bytes cut or inserted): each record decodes or is refused with a
     * SerializationException, and none makes this thread allocate more than the budget.
     */
    @Test
    void mutatedEnvelopesNeverAllocateMoreThanABoundedAmount() {
        byte[] good = FramewiseSerdes.frame().encode(Frame.newBuilder(AvroSingleObjectSerdeTest.frame())
                .setAttributes(Map.of("site", "gate-3", "lane", "2")).build());
        SplittableRandom random = new SplittableRandom(20);
        long worst = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = mutate(good, random);
            long[] outcome = new long[1];
            long allocated = allocatedBy(() -> {
                try {
                    FramewiseSerdes.frame().decode(mutated);
                } catch (SerializationException e) {
                    outcome[0] = 1;
                }
            });
            refused += (int) outcome[0];
            worst = Math.max(worst, allocated);
        }
        System.out.printf("envelope fuzz: 20000 records, %d refused, worst allocation %d bytes%n", refused, worst);
        assertThat(refused).as("the mutations reach the checks").isGreaterThan(1_000);
        assertThat(worst).as("most bytes one decode allocated").isLessThan(SMALL_DECODE_BUDGET);
    }

    private static byte[] mutate(byte[] good, SplittableRandom random) {
        byte[] m = good.clone();
        int at = 10 + random.nextInt(m.length - 10); // the body; the header is checked elsewhere
        switch (random.nextInt(4)) {
            case 0 -> m[at] = (byte) (0x80 | random.nextInt(128)); // a continuation: the varint grows
            case 1 -> {
                // a large length (up to 2 GB, under Avro's own limit) written over the body at this point
                byte[] big = varint(random.nextLong(1_000_000, 2_000_000_000));
                System.arraycopy(big, 0, m, at, Math.min(big.length, m.length - at));
            }
            case 2 -> m = Arrays.copyOf(m, at);
            default -> {
                byte[] longer = new byte[m.length + 1];
                System.arraycopy(m, 0, longer, 0, at);
                longer[at] = (byte) random.nextInt(256);
                System.arraycopy(m, at, longer, at + 1, m.length - at);
                m = longer;
            }
        }
        return m;
    }

    /** Avro's zig-zag varint of {@code value}. */
    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long raw = (value << 1) ^ (value >> 63);
        while ((raw & ~0x7FL) != 0) {
            out.write((int) ((raw & 0x7F) | 0x80));
            raw >>>= 7;
        }
        out.write((int) raw);
        return out.toByteArray();
    }

    private static long allocatedBy(Runnable action) {
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        action.run();
        return THREADS.getThreadAllocatedBytes(id) - before;
    }

    /** A Frame's header and fields up to its payload, whose length claims {@code payloadLength}; two payload bytes. */
    private static byte[] frameClaiming(long payloadLength, String camera) throws IOException {
        ByteArrayOutputStream out = header();
        BinaryEncoder body = EncoderFactory.get().directBinaryEncoder(out, null);
        writeFixedFields(body, camera);
        body.writeLong(payloadLength);
        body.writeFixed(new byte[] {(byte) 0xFF, (byte) 0xD8});
        body.flush();
        return out.toByteArray();
    }

    /** The fields before the payload: camera id, sequence, capture time, codec, width, height, keyframe. */
    private static void writeFixedFields(BinaryEncoder body, String camera) throws IOException {
        body.writeString(camera);
        body.writeLong(1);
        body.writeLong(1_700_000_000_000_000L);
        body.writeEnum(1);
        body.writeIndex(1);
        body.writeInt(640);
        body.writeIndex(1);
        body.writeInt(480);
        body.writeBoolean(true);
    }

    /** The single-object header of a Frame: marker and fingerprint, taken from a real encoding. */
    private static ByteArrayOutputStream header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(FramewiseSerdes.frame().encode(AvroSingleObjectSerdeTest.frame()), 0, 10);
        return out;
    }
}
