package io.framewise.decoder;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.transform;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Writes one preprocessed image straight into a model input buffer: resize and center crop, then a single
 * {@code cv::transform} that reorders channels, scales to [0, 1] and normalises with mean and std in one pass.
 *
 * <p>Bicubic and bilinear resizing are Pillow's ({@link PillowResample}): the pretrained weights were evaluated on
 * images resized by PIL, whose filters antialias when shrinking, and a classifier fed differently resized pixels
 * loses accuracy. Only the cropped window is resampled. Nearest, area and the named approximate bicubic are OpenCV's. Thread-safe; every
 * native temporary is released before returning.
 */
public final class Preprocessor {
    private final PreprocessSpec spec;

    public Preprocessor(PreprocessSpec spec) {
        this.spec = spec;
    }

    public PreprocessSpec spec() {
        return spec;
    }

    /**
     * Fills {@code spec.floatsPerImage()} floats of {@code destination}, from its position, in HWC order.
     *
     * @param destination a direct buffer (typically a slice of a batch tensor's staging buffer); position unchanged
     */
    public void preprocess(DecodedImage image, FloatBuffer destination) {
        if (!destination.isDirect()) {
            throw new IllegalArgumentException("destination must be a direct buffer");
        }
        if (destination.remaining() < spec.floatsPerImage()) {
            throw new IllegalArgumentException("destination has " + destination.remaining() + " floats left, needs "
                    + spec.floatsPerImage());
        }
        try (PointerScope scope = new PointerScope()) {
            Mat src = image.bgr();
            Rect crop = cropRect(src.cols(), src.rows());
            Size target = resizedSize(src.cols(), src.rows());
            Mat cropped;
            PillowResample.Filter filter = pillowFilter();
            if (filter != null) {
                byte[] window = PillowResample.resize(src, target.width(), target.height(), crop.x(), crop.y(),
                        crop.width(), crop.height(), filter);
                cropped = new Mat(crop.height(), crop.width(), CV_8UC3);
                cropped.data().put(window);
            } else {
                Mat resized = new Mat();
                resize(src, resized, target, 0, 0, interpolation());
                cropped = new Mat(resized, crop);
            }
            Mat asFloat = new Mat();
            cropped.convertTo(asFloat, CV_32F);

            // slice(): the Mat constructor takes the pointer's address and ignores its position.
            FloatPointer out = new FloatPointer(destination.slice());
            Mat dst = new Mat(spec.height(), spec.width(), CV_32FC3, out);
            long address = dst.data().address();
            transform(asFloat, dst, normalisation());
            if (dst.data().address() != address) {
                // OpenCV reallocates instead of writing in place when size or type differ: that would be a silent no-op.
                throw new IllegalStateException("OpenCV did not write into the destination buffer");
            }
        }
    }

    /** Size after the resize step: the short side to floor(min(h, w) / crop), the long side keeping the aspect ratio. */
    Size resizedSize(int srcWidth, int srcHeight) {
        if (spec.resize() == PreprocessSpec.Resize.STRETCH) {
            return new Size(spec.width(), spec.height());
        }
        int shortTarget = (int) Math.floor(Math.min(spec.height(), spec.width()) / spec.cropFraction());
        // torchvision: the short side becomes shortTarget, the long side int(shortTarget * long / short)
        if (srcWidth <= srcHeight) {
            return new Size(shortTarget, Math.max(spec.height(), (int) ((long) shortTarget * srcHeight / srcWidth)));
        }
        return new Size(Math.max(spec.width(), (int) ((long) shortTarget * srcWidth / srcHeight)), shortTarget);
    }

    /** Center crop in resized coordinates, offsets rounded half-to-even as torchvision's center_crop does. */
    Rect cropRect(int srcWidth, int srcHeight) {
        Size r = resizedSize(srcWidth, srcHeight);
        int top = (int) Math.rint((r.height() - spec.height()) / 2.0);
        int left = (int) Math.rint((r.width() - spec.width()) / 2.0);
        return new Rect(left, top, spec.width(), spec.height());
    }

    /** 3x4 matrix: out[c] = in[src(c)] / (255 std[c]) - mean[c] / std[c], with src(c) mapping BGR input to the model's order. */
    private Mat normalisation() {
        float[] mean = spec.mean();
        float[] std = spec.std();
        Mat m = new Mat(3, 4, CV_32F);
        try (FloatIndexer idx = m.createIndexer()) {
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 4; k++) {
                    idx.put(c, k, 0f);
                }
                int source = spec.channelOrder() == PreprocessSpec.ChannelOrder.RGB ? 2 - c : c;
                idx.put(c, source, (float) (1.0 / (255.0 * std[c])));
                idx.put(c, 3, -mean[c] / std[c]);
            }
        }
        return m;
    }

    /** Pillow's filter for the spec's interpolation, or null where OpenCV resizes. */
    private PillowResample.Filter pillowFilter() {
        return switch (spec.interpolation()) {
            case BILINEAR -> PillowResample.Filter.BILINEAR;
            case BICUBIC -> PillowResample.Filter.BICUBIC;
            case NEAREST, AREA, OPENCV_BICUBIC_APPROXIMATE -> null;
        };
    }

    private int interpolation() {
        return switch (spec.interpolation()) {
            case NEAREST -> INTER_NEAREST;
            case OPENCV_BICUBIC_APPROXIMATE -> INTER_CUBIC;
            default -> INTER_AREA;
        };
    }
}
