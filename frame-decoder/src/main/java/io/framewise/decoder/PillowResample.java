package io.framewise.decoder;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Resizing as Pillow's {@code Image.resize} does it for 8-bit images ({@code ImagingResample} in Pillow's
 * {@code Resample.c}), which is what torchvision's transforms applied to the PIL images the EfficientFormer weights
 * were evaluated on. Unlike OpenCV's {@code INTER_CUBIC}, its filters <em>antialias</em> when shrinking: the filter's
 * support grows with the reduction factor, so a 1920x1080 frame brought to 256 lines is averaged over about 17 source
 * pixels per tap row, not sampled at 4.
 *
 * <p>Two separable passes, horizontal then vertical, each with a table of per-output-pixel coefficients computed once
 * per call (normalised, then fixed point with 22 fractional bits), rounding half up and clipping to 8 bits between
 * the passes, exactly as Pillow does; the results are Pillow's to the bit. Only the requested window of the output
 * (the centre crop) is computed, and only from the source rows it needs.
 */
public final class PillowResample {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Pillow's filters and their supports. */
    public enum Filter {
        BILINEAR(1.0) {
            @Override
            double weight(double x) {
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            }
        },
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
        };

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);
    }

    /** For each output pixel: first source index, number of taps, and the fixed-point weights ({@code ksize} apart). */
    record Coefficients(int[] first, int[] count, int[] weights, int ksize) {
    }

    private PillowResample() {
    }

    /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
    static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(1.0, scale);
        double support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                k[x] = filter.weight((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS)) : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(first, count, weights, ksize);
    }

    private static int clip8(int accumulated) {
        int v = accumulated >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /**
     * Resizes interleaved 3-channel 8-bit pixels from {@code srcWidth x srcHeight} to {@code outWidth x outHeight} and
     * returns the window {@code [x0, x0 + width) x [y0, y0 + height)} of the result, interleaved as the source.
     *
     * @param src the pixels from index 0, rows contiguous (e.g. a continuous Mat's memory: read in place, not copied)
     */
    public static byte[] resize(ByteBuffer src, int srcWidth, int srcHeight, int outWidth, int outHeight, int x0, int y0,
                                int width, int height, Filter filter) {
        if (x0 < 0 || y0 < 0 || x0 + width > outWidth || y0 + height > outHeight) {
            throw new IllegalArgumentException("window outside the resized image");
        }
        boolean horizontal = outWidth != srcWidth;
        boolean vertical = outHeight != srcHeight;
        Coefficients v = vertical ? coefficients(srcHeight, outHeight, filter) : null;
        // source rows the window's output rows read
        int rowFirst = vertical ? v.first()[y0] : y0;
        int rowEnd = vertical ? v.first()[y0 + height - 1] + v.count()[y0 + height - 1] : y0 + height;
        int rows = rowEnd - rowFirst;

        // horizontal pass: rows [rowFirst, rowEnd) of the source, output columns [x0, x0 + width)
        int rowStride = width * 3;
        int[] temp = new int[rows * rowStride];
        int half = 1 << (PRECISION_BITS - 1);
        if (horizontal) {
            Coefficients h = coefficients(srcWidth, outWidth, filter);
            // the source columns the window reads, copied row by row into an array the JIT compiles tight loops over
            int colFirst = h.first()[x0];
            int colEnd = h.first()[x0 + width - 1] + h.count()[x0 + width - 1];
            byte[] row = new byte[(colEnd - colFirst) * 3];
            int[] first = h.first();
            int[] count = h.count();
            int[] weights = h.weights();
            int ksize = h.ksize();
            for (int r = 0; r < rows; r++) {
                src.get(((rowFirst + r) * srcWidth + colFirst) * 3, row, 0, row.length);
                int t = r * rowStride;
                for (int xx = 0; xx < width; xx++) {
                    int out = x0 + xx;
                    int n = count[out];
                    int k = out * ksize;
                    int p = (first[out] - colFirst) * 3;
                    int s0 = half;
                    int s1 = half;
                    int s2 = half;
                    for (int x = 0; x < n; x++, p += 3) {
                        int w = weights[k + x];
                        s0 += (row[p] & 0xff) * w;
                        s1 += (row[p + 1] & 0xff) * w;
                        s2 += (row[p + 2] & 0xff) * w;
                    }
                    temp[t++] = clip8(s0);
                    temp[t++] = clip8(s1);
                    temp[t++] = clip8(s2);
                }
            }
        } else {
            byte[] row = new byte[rowStride];
            for (int r = 0; r < rows; r++) {
                src.get(((rowFirst + r) * srcWidth + x0) * 3, row, 0, rowStride);
                for (int i = 0; i < rowStride; i++) {
                    temp[r * rowStride + i] = row[i] & 0xff;
                }
            }
        }

        // vertical pass, a whole output row at a time: each tap adds a weighted source row (a loop C2 vectorises)
        byte[] out = new byte[rowStride * height];
        if (!vertical) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) temp[i];
            }
            return out;
        }
        int[] acc = new int[rowStride];
        int[] first = v.first();
        int[] count = v.count();
        int[] weights = v.weights();
        for (int yy = 0; yy < height; yy++) {
            int row = y0 + yy;
            int base = (first[row] - rowFirst) * rowStride;
            int k = row * v.ksize();
            Arrays.fill(acc, half);
            for (int y = 0; y < count[row]; y++) {
                int w = weights[k + y];
                int p = base + y * rowStride;
                for (int i = 0; i < rowStride; i++) {
                    acc[i] += temp[p + i] * w;
                }
            }
            int o = yy * rowStride;
            for (int i = 0; i < rowStride; i++) {
                out[o + i] = (byte) clip8(acc[i]);
            }
        }
        return out;
    }
}
