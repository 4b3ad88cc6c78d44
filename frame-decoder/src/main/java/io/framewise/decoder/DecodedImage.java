package io.framewise.decoder;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A decoded frame: 8-bit BGR pixels in native memory, owned by this object. Close it (try-with-resources) as soon as
 * preprocessing is done; the pixels of a 1080p frame are 6 MB that the garbage collector does not see.
 */
public final class DecodedImage implements AutoCloseable {
    private final Mat bgr;
    private final String source;

    DecodedImage(Mat bgr, String source) {
        this.bgr = bgr;
        this.source = source;
    }

    public int width() {
        return bgr.cols();
    }

    public int height() {
        return bgr.rows();
    }

    /** What the pixels were before conversion to 8-bit BGR, e.g. "JPEG 1-channel 8-bit". */
    public String source() {
        return source;
    }

    /** The pixels; valid until {@link #close()}. */
    public Mat bgr() {
        return bgr;
    }

    @Override
    public void close() {
        bgr.close();
    }
}
