package io.framewise.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.framewise.decoder.FrameDecodeException.Reason;
import org.junit.jupiter.api.Test;

class ImageHeaderTest {

    @Test
    void readsJpegAndPngDimensionsByContent() {
        ImageHeader jpeg = ImageHeader.probe(ByteBuffer.wrap(TestImages.encode(TestImages.bgr(97, 41), ".jpg")));
        assertThat(jpeg).isEqualTo(new ImageHeader(ImageHeader.Format.JPEG, 97, 41));
        ImageHeader png = ImageHeader.probe(ByteBuffer.wrap(TestImages.encode(TestImages.gray(13, 250), ".png")));
        assertThat(png).isEqualTo(new ImageHeader(ImageHeader.Format.PNG, 13, 250));
    }

    @Test
    void truncatedFilesAreRecognised() {
        byte[] jpeg = TestImages.encode(TestImages.bgr(64, 64), ".jpg");
        assertThatThrownBy(() -> ImageHeader.probe(ByteBuffer.wrap(Arrays.copyOf(jpeg, jpeg.length / 2))))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
        assertThatThrownBy(() -> ImageHeader.probe(ByteBuffer.wrap(Arrays.copyOf(jpeg, 10))))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
        byte[] png = TestImages.encode(TestImages.bgr(64, 64), ".png");
        assertThatThrownBy(() -> ImageHeader.probe(ByteBuffer.wrap(Arrays.copyOf(png, png.length - 20))))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    }

    @Test
    void bytesThatAreNoImageAreCorrupt() {
        assertThatThrownBy(() -> ImageHeader.probe(ByteBuffer.wrap("GIF89a....".getBytes())))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                .hasMessageContaining("neither JPEG nor PNG");
    }

    @Test
    void emptyPayloadIsEmpty() {
        assertThatThrownBy(() -> ImageHeader.probe(ByteBuffer.allocate(0)))
                .isInstanceOfSatisfying(FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
    }
}
