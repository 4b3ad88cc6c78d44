package io.framewise.decoder.source;

import java.io.IOException;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A sequence of BGR images: a video file, a stream, a webcam, a directory of images, or the synthetic scene.
 * Not thread-safe. Close it to release the decoder and its native buffers.
 */
public interface ImageSource extends AutoCloseable {

    /**
     * The next image, or {@code null} at the end. The returned Mat is borrowed: it stays valid until the next call
     * or {@link #close()}, and the caller must not close it.
     */
    Mat next() throws Exception;

    /** The source's own frame rate when it has one (video files), else 0. */
    double frameRate();

    /** How many of its images the source refused so far (damaged or unreadable files), which were not produced. */
    default long refused() {
        return 0;
    }

    /** A short description for progress output. */
    String describe();

    @Override
    void close() throws IOException;
}
