package io.framewise.decoder;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import io.framewise.schema.Codec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Encodes BGR pixels as JPEG or PNG for publishing. Thread-safe. */
public final class ImageEncoder {
    private final Codec codec;
    private final int jpegQuality;

    public ImageEncoder(Codec codec, int jpegQuality) {
        if (codec != Codec.JPEG && codec != Codec.PNG) {
            throw new IllegalArgumentException("can encode JPEG or PNG, not " + codec);
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100, got " + jpegQuality);
        }
        this.codec = codec;
        this.jpegQuality = jpegQuality;
    }

    public Codec codec() {
        return codec;
    }

    public byte[] encode(Mat bgr) {
        String ext = codec == Codec.JPEG ? ".jpg" : ".png";
        int[] params = codec == Codec.JPEG ? new int[] {IMWRITE_JPEG_QUALITY, jpegQuality}
                : new int[] {IMWRITE_PNG_COMPRESSION, 1};
        try (BytePointer out = new BytePointer(); IntPointer flags = new IntPointer(params)) {
            if (!imencode(ext, bgr, out, flags)) {
                throw new IllegalStateException("OpenCV could not encode a " + bgr.cols() + "x" + bgr.rows() + " image as " + codec);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
