package io.framewise.decoder;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.nio.ByteBuffer;

import io.framewise.decoder.FrameDecodeException.Reason;
import io.framewise.schema.Codec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns a frame payload into 8-bit BGR pixels with OpenCV.
 *
 * <p>JPEG and PNG are recognised by their content, not by the codec the publisher declared: a PNG labelled JPEG is
 * decoded as the PNG it is (cameras and gateways mislabel; the bytes are unambiguous). Grayscale, alpha, CMYK and
 * 16-bit images are converted to 8-bit BGR. The declared size is checked against {@code maxPixels} before any pixel
 * buffer is allocated.
 *
 * <p>Thread-safe; holds no native memory itself.
 */
public final class ImageDecoder {
    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public DecodedImage decode(Codec codec, ByteBuffer payload, Integer width, Integer height) {
        if (payload == null || payload.remaining() == 0) {
            throw new FrameDecodeException(Reason.EMPTY, "empty payload (0 bytes)");
        }
        return switch (codec) {
            case JPEG, PNG, UNKNOWN -> decodeCompressed(codec, payload);
            case RAW_BGR24 -> wrapRaw(payload, width, height, 3, codec);
            case RAW_GRAY8 -> wrapRaw(payload, width, height, 1, codec);
            case H264, H265 -> throw new FrameDecodeException(Reason.UNSUPPORTED,
                    codec + " access units are decoded by the camera's video decoder, not as a single image");
        };
    }

    private DecodedImage decodeCompressed(Codec declared, ByteBuffer payload) {
        ImageHeader header = ImageHeader.probe(payload);
        checkPixels("image", header.width(), header.height(), maxPixels);
        try (BytePointer bytes = new BytePointer(payload.remaining());
             Mat encoded = new Mat(1, payload.remaining(), CV_8UC1, bytes)) {
            copy(payload, bytes);
            Mat bgr = imdecode(encoded, IMREAD_COLOR);
            if (bgr == null || bgr.empty()) {
                if (bgr != null) {
                    bgr.close();
                }
                throw new FrameDecodeException(Reason.CORRUPT, header.format() + " data is corrupt: OpenCV could not decode "
                        + header.width() + "x" + header.height() + " image from " + payload.remaining() + " bytes");
            }
            return new DecodedImage(bgr, header.format().name(), declared, Codec.valueOf(header.format().name()));
        }
    }

    private DecodedImage wrapRaw(ByteBuffer payload, Integer width, Integer height, int channels, Codec codec) {
        if (width == null || height == null || width <= 0 || height <= 0) {
            throw new FrameDecodeException(Reason.CORRUPT, "raw frame needs positive width and height, got "
                    + width + "x" + height);
        }
        checkPixels("image", width, height, maxPixels);
        long expected = (long) width * height * channels;
        if (payload.remaining() != expected) {
            throw new FrameDecodeException(payload.remaining() < expected ? Reason.TRUNCATED : Reason.CORRUPT,
                    "raw " + width + "x" + height + "x" + channels + " frame needs " + expected + " bytes, got " + payload.remaining());
        }
        try (BytePointer bytes = new BytePointer(expected);
             Mat raw = new Mat(height, width, channels == 3 ? CV_8UC3 : CV_8UC1, bytes)) {
            copy(payload, bytes);
            Mat bgr = new Mat();
            if (channels == 3) {
                raw.copyTo(bgr);
            } else {
                cvtColor(raw, bgr, COLOR_GRAY2BGR);
            }
            return new DecodedImage(bgr, "raw " + channels + "-channel 8-bit", codec, codec);
        }
    }

    /** Copies a payload's remaining bytes into native memory of at least that size, leaving the buffer's position. */
    public static void copy(ByteBuffer payload, BytePointer destination) {
        if (payload.hasArray()) {
            destination.put(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
        } else {
            byte[] bytes = new byte[payload.remaining()];
            payload.duplicate().get(bytes);
            destination.put(bytes);
        }
    }

    /**
     * Refuses a picture larger than {@code maxPixels} ({@code framewise.decode.max.pixels}) from the size its header
     * declares ({@code what}: "image", or a video's sequence parameter set), before anything is allocated for it.
     */
    public static void checkPixels(String what, long width, long height, long maxPixels) {
        if (width * height > maxPixels) {
            throw new FrameDecodeException(Reason.TOO_LARGE, what + " declares " + width + "x" + height + " = "
                    + width * height + " pixels, over the limit of " + maxPixels
                    + " (framewise.decode.max.pixels); refused before decoding");
        }
    }
}
