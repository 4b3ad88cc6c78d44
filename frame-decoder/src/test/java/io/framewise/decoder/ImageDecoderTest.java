package io.framewise.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.framewise.decoder.FrameDecodeException.Reason;
import io.framewise.schema.Codec;
import org.assertj.core.data.Offset;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(50_000_000L);

    @ParameterizedTest
    @CsvSource({"1,1", "17,9", "224,224", "640,480", "1920,1080"})
    void decodesJpegAndPngOfAnySize(int width, int height) {
        for (String ext : new String[] {".jpg", ".png"}) {
            byte[] bytes = TestImages.encode(TestImages.bgr(width, height), ext);
            try (DecodedImage image = decoder.decode(ext.equals(".jpg") ? Codec.JPEG : Codec.PNG, ByteBuffer.wrap(bytes), null, null)) {
                assertThat(image.width()).isEqualTo(width);
                assertThat(image.height()).isEqualTo(height);
                assertThat(image.bgr().channels()).isEqualTo(3);
            }
        }
    }

    @Test
    void pngIsLosslessSoPixelsComeBackExactly() {
        byte[] bytes = TestImages.encode(TestImages.bgr(31, 23), ".png");
        try (DecodedImage image = decoder.decode(Codec.PNG, ByteBuffer.wrap(bytes), null, null);
             UByteIndexer idx = image.bgr().createIndexer()) {
            for (int y = 0; y < 23; y++) {
                for (int x = 0; x < 31; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertThat(idx.get(y, x, c)).isEqualTo(TestImages.value(y, x, c));
                    }
                }
            }
        }
    }

    @Test
    void grayscaleAlphaAnd16BitBecome8BitBgr() {
        byte[][] inputs = {
            TestImages.encode(TestImages.gray(40, 30), ".png"),
            TestImages.encode(TestImages.gray(40, 30), ".jpg"),
            TestImages.encode(TestImages.bgra(40, 30), ".png"),
            TestImages.encode(TestImages.bgr16(40, 30), ".png"),
        };
        for (byte[] bytes : inputs) {
            try (DecodedImage image = decoder.decode(Codec.PNG, ByteBuffer.wrap(bytes), null, null);
                 UByteIndexer idx = image.bgr().createIndexer()) {
                assertThat(image.bgr().channels()).isEqualTo(3);
                assertThat(image.bgr().depth()).isZero(); // CV_8U
                // 16-bit values v*257 map back to v; alpha is dropped; gray replicates into B, G and R.
                assertThat(idx.get(5, 7, 0)).isCloseTo(TestImages.value(5, 7, 0), Offset.offset(3));
            }
        }
    }

    @Test
    void pngLabelledJpegIsDecodedByContent() {
        byte[] png = TestImages.encode(TestImages.bgr(20, 10), ".png");
        try (DecodedImage image = decoder.decode(Codec.JPEG, ByteBuffer.wrap(png), null, null)) {
            assertThat(image.width()).isEqualTo(20);
            assertThat(image.source()).contains("PNG").contains("declared JPEG");
            assertThat(image.actual()).isEqualTo(Codec.PNG);
            assertThat(image.declared()).isEqualTo(Codec.JPEG);
            assertThat(image.notAsDeclared()).isTrue();
        }
        try (DecodedImage image = decoder.decode(Codec.UNKNOWN, ByteBuffer.wrap(png), null, null)) {
            assertThat(image.notAsDeclared()).as("UNKNOWN declares nothing to contradict").isFalse();
        }
    }

    @Test
    void corruptJpegIsRejected() {
        byte[] jpeg = TestImages.encode(TestImages.bgr(64, 64), ".jpg");
        // Keep SOI and the end marker, destroy everything between: the tables and the frame header are gone.
        byte[] corrupt = jpeg.clone();
        Arrays.fill(corrupt, 2, corrupt.length - 2, (byte) 0x5A);
        assertThatThrownBy(() -> decoder.decode(Codec.JPEG, ByteBuffer.wrap(corrupt), null, null))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));
    }

    @Test
    void truncatedJpegIsRejectedNotHalfDecoded() {
        byte[] jpeg = TestImages.encode(TestImages.bgr(128, 128), ".jpg");
        assertThatThrownBy(() -> decoder.decode(Codec.JPEG, ByteBuffer.wrap(Arrays.copyOf(jpeg, jpeg.length * 2 / 3)), null, null))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    }

    @Test
    void hugeDeclaredSizeIsRefusedBeforeDecoding() {
        byte[] jpeg = TestImages.encode(TestImages.bgr(16, 16), ".jpg");
        // Rewrite the SOF0 frame header to claim 60000x60000 pixels.
        for (int i = 2; i < jpeg.length - 8; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                jpeg[i + 5] = (byte) (60000 >> 8);
                jpeg[i + 6] = (byte) 60000;
                jpeg[i + 7] = (byte) (60000 >> 8);
                jpeg[i + 8] = (byte) 60000;
                break;
            }
        }
        assertThatThrownBy(() -> decoder.decode(Codec.JPEG, ByteBuffer.wrap(jpeg), null, null))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("60000x60000");
    }

    @Test
    void rawFramesNeedExactlyTheirSize() {
        try (DecodedImage image = decoder.decode(Codec.RAW_GRAY8, ByteBuffer.wrap(new byte[12]), 4, 3)) {
            assertThat(image.width()).isEqualTo(4);
            assertThat(image.bgr().channels()).isEqualTo(3);
        }
        assertThatThrownBy(() -> decoder.decode(Codec.RAW_BGR24, ByteBuffer.wrap(new byte[10]), 4, 3))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    }

    @Test
    void emptyPayloadIsRejected() {
        assertThatThrownBy(() -> decoder.decode(Codec.JPEG, ByteBuffer.allocate(0), null, null))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
    }
}
