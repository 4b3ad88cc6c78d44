package io.framewise.decoder.source;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The images of a directory in name order; files OpenCV cannot read are reported and skipped. */
public final class ImageDirectorySource implements ImageSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDirectorySource.class);
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff");

    private final Path directory;
    private final List<Path> files;
    private final long maxFrames;
    private int nextFile;
    private long produced;
    private Mat current;

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
    public Mat next() {
        releaseCurrent();
        while (nextFile < files.size() && (maxFrames < 0 || produced < maxFrames)) {
            Path file = files.get(nextFile++);
            Mat image = imread(file.toString(), IMREAD_COLOR);
            if (image == null || image.empty()) {
                LOG.warn("skipping {}: OpenCV cannot read it as an image", file);
                if (image != null) {
                    image.close();
                }
                continue;
            }
            produced++;
            current = image;
            return image;
        }
        return null;
    }

    private void releaseCurrent() {
        if (current != null) {
            current.close();
            current = null;
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
