package io.framewise.app.tools.demo;

import java.util.Locale;

import io.framewise.inference.serving.ServedModel;

/**
 * The rate the demo's cameras publish at when {@code --fps} is not given: what this machine carries, from what the
 * model's warm-up measured here, so that the demo shows every frame classified rather than a budget shedding load
 * (a slower machine, or a shared one, gets a lower rate; {@code --fps} still sets any rate).
 *
 * <p>Everything runs in the demo's one process on the same cores: each frame costs its share of a batch's run (on the
 * batch's intra-op threads), its decode and preprocess, and the camera's own rendering and JPEG encoding. The cores
 * divided by that cost is what the process could do flat out; the demo offers {@value #SHARE} of it. Half was not
 * enough: in the fresh-machine container, warm-up measured 30 ms a frame, half of the estimate was 27 frames/s, and 42%
 * of the frames were skipped, because the demo's seconds are all cold start (the JVM compiling Kafka's and Streams'
 * code on the same cores) and a batch inside the pipeline runs slower than the model alone (issue 22). A quarter
 * leaves room for both, for the garbage collector and for a noisy neighbour.
 */
public final class DemoLoad {
    /** The share of the estimated capacity the demo offers. */
    static final double SHARE = 0.25;
    /** The rate of a camera when the machine carries more: the demo's cameras film at 10 fps. */
    static final double MAX_FPS = 10;
    static final double MIN_FPS = 0.1;

    /** A rate per camera and why. */
    public record Choice(double fpsPerCamera, double capacityFps, String why) {
    }

    private DemoLoad() {
    }

    /**
     * @param cost           the model's cost per frame, as warm-up measured it
     * @param intraOpThreads threads one batch runs on (TensorFlow's intra-op threads)
     * @param cameraNanos    rendering and encoding one camera frame here
     * @param cores          the processors this process may use
     */
    public static Choice choose(ServedModel.FrameCost cost, int intraOpThreads, long cameraNanos, int cores, int cameras) {
        double cpuNanosPerFrame = (double) cost.batchShareNanos() * Math.max(1, intraOpThreads) + cost.prepareNanos()
                + cameraNanos;
        double capacity = cores * 1e9 / Math.max(1, cpuNanosPerFrame);
        boolean capped = SHARE * capacity / cameras >= MAX_FPS;
        double perCamera = Math.max(MIN_FPS, Math.floor(Math.min(MAX_FPS, SHARE * capacity / cameras) * 10) / 10);
        String why = String.format(Locale.ROOT, "a frame costs about %.1f ms of CPU here (model %.1f ms x %d thread(s), "
                        + "decode and preprocess %.1f ms, the camera's rendering and encoding %.1f ms): %d core(s) carry "
                        + "about %.0f frames/s; the cameras offer %s of that",
                cpuNanosPerFrame / 1e6, cost.batchShareNanos() / 1e6, Math.max(1, intraOpThreads),
                cost.prepareNanos() / 1e6, cameraNanos / 1e6, cores, capacity,
                capped ? "less than a quarter (a camera films at 10 fps at most)" : "a quarter");
        return new Choice(perCamera, capacity, why);
    }
}
