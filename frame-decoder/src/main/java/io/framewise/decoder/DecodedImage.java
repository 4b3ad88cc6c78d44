package io.framewise.decoder;

import io.framewise.schema.Codec;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A decoded frame: 8-bit BGR pixels in native memory, owned by this object. Close it (try-with-resources) as soon as
 * preprocessing is done; the pixels of a 1080p frame are 6 MB that the garbage collector does not see.
 */
public final class DecodedImage implements AutoCloseable {
    private final Mat bgr;
    /** What the pixels were, without what the frame declared ("PNG", "raw 3-channel 8-bit"). */
    private final String source;
    private final Codec declared;
    private final Codec actual;

    public DecodedImage(Mat bgr, String source, Codec declared, Codec actual) {
        this.bgr = bgr;
        this.source = source;
        this.declared = declared;
        this.actual = actual;
    }

    public int width() {
        return bgr.cols();
    }

    public int height() {
        return bgr.rows();
    }

    /** What the pixels were before conversion to 8-bit BGR, e.g. "JPEG" or "PNG (declared JPEG)". */
    public String source() {
        return notAsDeclared() ? source + " (declared " + declared + ")" : source;
    }

    /** The codec the frame declared. */
    public Codec declared() {
        return declared;
    }

    /** The codec the payload turned out to be (recognised by its content). */
    public Codec actual() {
        return actual;
    }

    /**
     * True when the payload was not what the frame declared (a PNG labelled JPEG); a frame that declared
     * {@code UNKNOWN} declared nothing to contradict.
     */
    public boolean notAsDeclared() {
        return declared != Codec.UNKNOWN && declared != actual;
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
