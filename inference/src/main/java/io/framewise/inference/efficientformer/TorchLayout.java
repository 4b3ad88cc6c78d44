package io.framewise.inference.efficientformer;

/**
 * PyTorch's weight layouts turned into TensorFlow's: timm stores convolutions as OIHW and linear layers as
 * [out, in]; TF's kernels want HWIO, HWC1 (depthwise) and [in, out].
 */
public final class TorchLayout {
    private TorchLayout() {
    }

    /** A convolution's [out, in, k, k] weights as TF's [k, k, in, out]. */
    public static float[] oihwToHwio(float[] w, int out, int in, int k) {
        float[] r = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        r[((y * k + x) * in + i) * out + o] = w[((o * in + i) * k + y) * k + x];
                    }
                }
            }
        }
        return r;
    }

    /** A depthwise convolution's [channels, 1, k, k] weights as TF's [k, k, channels, 1]. */
    public static float[] depthwiseToHwc1(float[] w, int channels, int k) {
        float[] r = new float[w.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < k; y++) {
                for (int x = 0; x < k; x++) {
                    r[(y * k + x) * channels + c] = w[(c * k + y) * k + x];
                }
            }
        }
        return r;
    }

    /** A linear layer's [rows, cols] weights transposed to [cols, rows]. */
    public static float[] transpose2d(float[] w, int rows, int cols) {
        float[] r = new float[w.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                r[j * rows + i] = w[i * cols + j];
            }
        }
        return r;
    }
}
