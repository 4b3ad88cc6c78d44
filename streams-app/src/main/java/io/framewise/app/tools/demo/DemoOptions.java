package io.framewise.app.tools.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a demo runs: cameras filming {@code source} at {@code fps}, {@code frames} in all (-1: until stopped), the
 * model in {@code modelDir}, broker and Streams data in {@code dataDir}, with extra settings.
 *
 * @param drainTimeout how long to wait for the last outcomes once publishing has ended
 */
public record DemoOptions(long frames, int cameras, String source, int width, int height, double fps, Path modelDir,
                          Path dataDir, Map<String, String> overrides, Duration drainTimeout) {
}
