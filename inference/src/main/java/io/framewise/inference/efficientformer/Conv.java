package io.framewise.inference.efficientformer;

/**
 * One convolution of the network, described the way timm's constructors read: {@code ConvNorm(in, out,
 * kernel_size=3, stride=2, padding=1)} is {@code convNorm(key, out).kernelSize(3).stride(2).padding(1)}. Defaults are
 * timm's: a 1x1 kernel, stride 1, no padding, all input channels to every output (not depthwise), no norm, no layer
 * scale. {@link NetBuilder#conv} builds it.
 *
 * @param key           timm key of the convolution's {@code .weight} and {@code .bias}
 * @param out           output channels
 * @param kernelSize    square kernel size
 * @param stride        stride on both axes
 * @param padding       explicit zero padding on every side (timm's; TF's SAME would pad 0/1 for stride 2)
 * @param isDepthwise   one filter per channel (groups = channels)
 * @param normKey       timm key of the BatchNorm after it, or null
 * @param layerScaleKey timm key of a layer scale ({@code gamma}) after that, or null
 */
public record Conv(String key, int out, int kernelSize, int stride, int padding, boolean isDepthwise, String normKey,
                   String layerScaleKey) {

    /** A bare convolution ({@code nn.Conv2d}), weights under {@code key}. */
    public static Conv conv(String key, int out) {
        return new Conv(key, out, 1, 1, 0, false, null, null);
    }

    /** timm's {@code ConvNorm} (EfficientFormerV2): the convolution at {@code key.conv}, its BatchNorm at {@code key.bn}. */
    public static Conv convNorm(String key, int out) {
        return new Conv(key + ".conv", out, 1, 1, 0, false, key + ".bn", null);
    }

    public Conv kernelSize(int k) {
        return new Conv(key, out, k, stride, padding, isDepthwise, normKey, layerScaleKey);
    }

    public Conv stride(int s) {
        return new Conv(key, out, kernelSize, s, padding, isDepthwise, normKey, layerScaleKey);
    }

    public Conv padding(int p) {
        return new Conv(key, out, kernelSize, stride, p, isDepthwise, normKey, layerScaleKey);
    }

    /** {@code groups=channels}: one filter per input channel. */
    public Conv depthwise() {
        return new Conv(key, out, kernelSize, stride, padding, true, normKey, layerScaleKey);
    }

    /** A BatchNorm after the convolution (V1 names it beside the convolution: {@code stem.conv1}, {@code stem.norm1}). */
    public Conv norm(String bnKey) {
        return new Conv(key, out, kernelSize, stride, padding, isDepthwise, bnKey, layerScaleKey);
    }

    /** A layer scale after the convolution (and its norm); null for none. */
    public Conv layerScale(String gammaKey) {
        return new Conv(key, out, kernelSize, stride, padding, isDepthwise, normKey, gammaKey);
    }

    /** Height or width of the output for an input of {@code size}. */
    int outputSize(int size) {
        return (size + 2 * padding - kernelSize) / stride + 1;
    }
}
