package io.framewise.decoder.source;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.FrameDecodeException;
import io.framewise.decoder.ImageDecoder;
import io.framewise.decoder.ImageHeader;
import io.framewise.schema.Codec;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images of a directory in name order. JPEG and PNG files are decoded as the pipeline decodes frames
 * ({@link ImageDecoder}: a truncated or corrupt file is refused, where OpenCV alone returns it with a grey bottom and
 * it was published as a good frame); other formats with OpenCV. Files that cannot be read are reported, counted
 * ({@link #refused()}) and skipped.
 */
public final class ImageDirectorySource implements ImageSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDirectorySource.class);
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff");

    private final Path directory;
    private final List<Path> files;
    private final long maxFrames;
    private int nextFile;
    private long produced;
    private Mat current;
    private DecodedImage decoded;
    private long refused;
    /** Larger files are refused before they are read (a damaged or mistaken file must not exhaust the heap). */
    static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
    /** PNG's signature is the longest of the two this source tells apart by content. */
    private static final int SNIFF_BYTES = 8;
    private final ImageDecoder strict = new ImageDecoder(100_000_000L);

    public ImageDirectorySource(Path directory, long maxFrames) throws IOException {
        this.directory = directory;
        this.maxFrames = maxFrames;
        try (Stream<Path> listing = Files.list(directory)) {
            this.files = listing.filter(p -> EXTENSIONS.stream()
                    .anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e))).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no images (" + String.join(", ", EXTENSIONS) + ") in " + directory);
        }
    }

    @Override
    public Mat next() throws IOException {
        releaseCurrent();
        while (nextFile < files.size() && (maxFrames < 0 || produced < maxFrames)) {
            Path file = files.get(nextFile++);
            Mat image = read(file);
            if (image == null) {
                refused++;
                continue;
            }
            produced++;
            return image;
        }
        return null;
    }

    /** The file's image (owned by this source until the next call), or null when it is refused (said in the log). */
    private Mat read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            LOG.warn("skipping {}: {} bytes, more than {}", file, size, MAX_FILE_BYTES);
            return null;
        }
        if (ImageHeader.formatOf(ByteBuffer.wrap(firstBytes(file, SNIFF_BYTES))) != null) {
            try {
                decoded = strict.decode(Codec.UNKNOWN, ByteBuffer.wrap(Files.readAllBytes(file)), null, null);
                return decoded.bgr();
            } catch (FrameDecodeException e) {
                LOG.warn("skipping {}: {}", file, e.getMessage());
                return null;
            }
        }
        Mat image = imread(file.toString(), IMREAD_COLOR);
        if (image == null || image.empty()) {
            LOG.warn("skipping {}: OpenCV cannot read it as an image", file);
            if (image != null) {
                image.close();
            }
            return null;
        }
        current = image;
        return image;
    }

    /** The first {@code n} bytes of a file (fewer if it is shorter): enough to tell its format, without reading it. */
    private static byte[] firstBytes(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    /** How many files were refused so far (unreadable, damaged, too large). */
    @Override
    public long refused() {
        return refused;
    }

    private void releaseCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
        if (decoded != null) {
            decoded.close();
            decoded = null;
        }
    }

    @Override
    public double frameRate() {
        return 0;
    }

    @Override
    public String describe() {
        return directory + " (" + files.size() + " images)";
    }

    @Override
    public void close() {
        releaseCurrent();
    }
}
