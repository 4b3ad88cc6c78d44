package io.framewise.decoder.source;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A built-in camera: a street-like scene with a sky gradient, road, and objects moving at camera-specific speeds,
 * stamped with the camera name and frame number. Deterministic for a given camera index and frame number, so tests
 * and demos are reproducible without any video file.
 */
public final class SyntheticScene implements ImageSource {
    private final int width;
    private final int height;
    private final int cameraIndex;
    private final String label;
    private final long frames;
    private final Mat canvas;
    private long index;

    /**
     * @param frames how many images to produce; negative for an endless scene
     */
    public SyntheticScene(int width, int height, int cameraIndex, String label, long frames) {
        if (width < 32 || height < 32) {
            throw new IllegalArgumentException("synthetic scene needs at least 32x32 pixels, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.cameraIndex = cameraIndex;
        this.label = label;
        this.frames = frames;
        this.canvas = new Mat(height, width, CV_8UC3);
    }

    @Override
    public Mat next() {
        if (frames >= 0 && index >= frames) {
            return null;
        }
        draw(index++);
        return canvas;
    }

    private void draw(long t) {
        int horizon = height * 3 / 5;
        // Sky as horizontal bands: a gradient without a per-pixel loop.
        int bands = 12;
        for (int b = 0; b < bands; b++) {
            int y0 = horizon * b / bands;
            int y1 = horizon * (b + 1) / bands;
            double shade = 140 + 100.0 * b / bands;
            try (Scalar sky = new Scalar(shade + 15, shade, 90 + 30 * (cameraIndex % 3), 0)) {
                fill(0, y0, width, y1, sky);
            }
        }
        try (Scalar road = new Scalar(70, 75, 80, 0); Scalar lane = new Scalar(220, 220, 220, 0)) {
            fill(0, horizon, width, height, road);
            int dash = Math.max(8, width / 16);
            long offset = (t * (4 + cameraIndex)) % (2L * dash);
            for (int x = (int) -offset; x < width; x += 2 * dash) {
                fill(x, height * 4 / 5 - 2, x + dash, height * 4 / 5 + 2, lane);
            }
        }
        int objects = 3 + cameraIndex % 3;
        for (int k = 0; k < objects; k++) {
            double speed = 2.0 + 1.5 * k + 0.7 * cameraIndex;
            int size = Math.max(6, height / (8 + 2 * k));
            int x = (int) ((t * speed + k * width / (double) objects) % (width + 2 * size)) - size;
            int y = horizon + (height - horizon) * (k + 1) / (objects + 2);
            try (Scalar colour = new Scalar(40 + 53 * k % 200, 90 + 71 * (k + cameraIndex) % 160, 200 - 37 * k % 150, 0)) {
                if (k % 2 == 0) {
                    fill(x - size, y - size / 2, x + size, y + size / 2, colour);
                } else {
                    try (Point centre = new Point(x, y)) {
                        circle(canvas, centre, size / 2, colour, -1, LINE_AA, 0);
                    }
                }
            }
        }
        try (Point sun = new Point(width - width / 8 - (int) (t % 50), height / 6);
             Scalar yellow = new Scalar(80, 220, 255, 0)) {
            circle(canvas, sun, Math.max(4, height / 14), yellow, -1, LINE_AA, 0);
        }
        try (Point at = new Point(8, Math.max(16, height / 16)); Scalar white = new Scalar(255, 255, 255, 0)) {
            putText(canvas, label + " #" + t, at, FONT_HERSHEY_SIMPLEX, Math.max(0.35, height / 900.0), white, 1, LINE_AA, false);
        }
    }

    private void fill(int x0, int y0, int x1, int y1, Scalar colour) {
        try (Point a = new Point(Math.max(0, x0), Math.max(0, y0));
             Point b = new Point(Math.min(width - 1, x1), Math.min(height - 1, y1))) {
            rectangle(canvas, a, b, colour, -1, 8, 0);
        }
    }

    @Override
    public double frameRate() {
        return 0;
    }

    @Override
    public String describe() {
        return "synthetic scene " + width + "x" + height + " (" + label + ")";
    }

    @Override
    public void close() {
        canvas.close();
    }
}
