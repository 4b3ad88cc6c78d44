package io.framewise.decoder;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a decoded image becomes one model input of {@code height x width x 3} floats. Comes from the model directory's
 * metadata (the model knows how it was trained), never from constants in the decoder.
 *
 * @param height       model input height
 * @param width        model input width
 * @param resize       how the image is brought to the input size
 * @param cropFraction for {@link Resize#SHORT_SIDE_CENTER_CROP}: the short side is first resized to
 *                     {@code floor(min(height, width) / cropFraction)} (0.875 gives the classic 256 -> 224)
 * @param interpolation resampling filter of the resize
 * @param channelOrder channel order the model expects
 * @param mean         per-channel mean, in the model's channel order, on the [0, 1] scale
 * @param std          per-channel standard deviation, same order and scale
 */
public record PreprocessSpec(int height, int width, Resize resize, double cropFraction, Interpolation interpolation,
                             ChannelOrder channelOrder, float[] mean, float[] std) {

    public enum Resize { SHORT_SIDE_CENTER_CROP, STRETCH }

    /**
     * Resampling filters. {@code BILINEAR} and {@code BICUBIC} are Pillow's (antialiased when shrinking, as the
     * reference evaluations resized); {@code OPENCV_BICUBIC_APPROXIMATE} is OpenCV's {@code INTER_CUBIC}: faster, but
     * a 4-tap kernel that aliases fine detail when shrinking, so not what pretrained weights were evaluated with.
     */
    public enum Interpolation { NEAREST, BILINEAR, BICUBIC, AREA, OPENCV_BICUBIC_APPROXIMATE }

    public enum ChannelOrder { RGB, BGR }

    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public PreprocessSpec {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("input size must be positive, got " + height + "x" + width);
        }
        if (!(cropFraction > 0 && cropFraction <= 1)) {
            throw new IllegalArgumentException("cropFraction must be in (0, 1], got " + cropFraction);
        }
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The evaluation preprocessing of ImageNet classifiers (official EfficientFormer eval: 256 -> 224 bicubic). */
    public static PreprocessSpec imagenet(int size, double cropFraction) {
        return new PreprocessSpec(size, size, Resize.SHORT_SIDE_CENTER_CROP, cropFraction, Interpolation.BICUBIC,
                ChannelOrder.RGB, IMAGENET_MEAN, IMAGENET_STD);
    }

    public int floatsPerImage() {
        return height * width * 3;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessSpec p && p.height == height && p.width == width && p.resize == resize
                && p.cropFraction == cropFraction && p.interpolation == interpolation && p.channelOrder == channelOrder
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {height, width, resize, cropFraction, interpolation, channelOrder,
                Arrays.hashCode(mean), Arrays.hashCode(std)});
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%dx%d %s crop=%.3f %s %s mean=%s std=%s", height, width, resize, cropFraction,
                interpolation, channelOrder, Arrays.toString(mean), Arrays.toString(std));
    }
}
