package io.framewise.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.framewise.decoder.source.ImageDirectorySource;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory of images as a camera: a damaged JPEG is refused and counted, never produced (OpenCV alone returns a
 * truncated JPEG with a grey bottom, and publish sent it re-encoded as a good frame).
 */
class ImageDirectorySourceTest {
    @TempDir
    Path dir;

    @Test
    void aTruncatedOrCorruptImageIsRefusedAndCountedAndTheGoodOnesAreProduced() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.bgr(320, 240), ".jpg");
        Files.write(dir.resolve("1-good.jpg"), jpeg);
        Files.write(dir.resolve("2-truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        byte[] corrupt = jpeg.clone();
        Arrays.fill(corrupt, 2, corrupt.length, (byte) 0x55);
        Files.write(dir.resolve("3-corrupt.jpg"), corrupt);
        Files.write(dir.resolve("4-good.jpg"), jpeg);
        try (ImageDirectorySource source = new ImageDirectorySource(dir, -1)) {
            int produced = 0;
            Mat image;
            while ((image = source.next()) != null) {
                assertThat(image.cols()).isEqualTo(320);
                produced++;
            }
            assertThat(produced).isEqualTo(2);
            assertThat(source.refused()).isEqualTo(2);
        }
    }
}
