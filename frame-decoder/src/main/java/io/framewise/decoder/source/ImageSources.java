package io.framewise.decoder.source;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens an {@link ImageSource} from what a user types after {@code --source}. */
public final class ImageSources {
    /** The name that selects the built-in synthetic camera. */
    public static final String SYNTHETIC = "synthetic";

    private ImageSources() {
    }

    /**
     * True when the source is pictures rather than a video: the synthetic scene or a directory of images (which a
     * video codec can only encode, not pass through).
     */
    public static boolean isImages(String source) {
        return source == null || source.equals(SYNTHETIC) || Files.isDirectory(Path.of(source));
    }

    /**
     * @param source     {@code synthetic}, a directory of images, or anything FFmpeg opens (file, URL, /dev/videoN)
     * @param maxFrames  how many images at most; negative for no limit (the synthetic scene is then endless)
     */
    public static ImageSource open(String source, int cameraIndex, String cameraId, int width, int height, long maxFrames)
            throws Exception {
        if (source == null || source.equals(SYNTHETIC)) {
            return new SyntheticScene(width, height, cameraIndex, cameraId, maxFrames);
        }
        Path path = Path.of(source);
        if (Files.isDirectory(path)) {
            return new ImageDirectorySource(path, maxFrames);
        }
        boolean looksLocal = !source.contains("://") && !source.startsWith("/dev/");
        if (looksLocal && !Files.isReadable(path)) {
            throw new IllegalArgumentException("source " + source + " is not a readable file or directory");
        }
        return new FFmpegSource(source, maxFrames);
    }
}
