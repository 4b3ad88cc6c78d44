package io.framewise.app.tools.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a demo runs: cameras filming {@code source} at {@code fps}, {@code frames} in all (-1: until stopped), the
 * model in {@code modelDir}, broker and Streams data in {@code dataDir}, with extra settings.
 *
 * @param fps          frames per second per camera; 0 as fast as possible; {@link #AUTO_FPS} for what this machine
 *                     carries ({@link DemoLoad})
 * @param drainTimeout how long to wait for the last outcomes once publishing has ended
 */
public record DemoOptions(long frames, int cameras, String source, int width, int height, double fps, Path modelDir,
                          Path dataDir, Map<String, String> overrides, Duration drainTimeout) {
    /** The demo picks the rate from what the model's warm-up measured on this machine. */
    public static final double AUTO_FPS = -1;
}
