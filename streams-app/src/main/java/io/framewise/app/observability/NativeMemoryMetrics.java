package io.framewise.app.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.bytedeco.javacpp.Pointer;

/**
 * What the JVM's own meters do not see: most of this process's memory is native (TensorFlow's kernels and tensors,
 * OpenCV's Mats, JavaCPP's buffers). {@code process_resident_memory_bytes} is the kernel's count (VmRSS, the name
 * Prometheus' own clients use), the figure a container's memory limit applies to; {@code framewise_javacpp_bytes}
 * is what JavaCPP allocated and has not freed, which grows without bound if native images leak.
 */
public final class NativeMemoryMetrics implements MeterBinder {
    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        if (Files.isReadable(STATUS)) {
            Gauge.builder("process.resident.memory", NativeMemoryMetrics::residentBytes)
                    .description("Resident set size of this process (VmRSS): heap, native memory and code")
                    .baseUnit("bytes").register(registry);
        }
        Gauge.builder("framewise.javacpp", Pointer::totalBytes)
                .description("Native memory allocated through JavaCPP (OpenCV images, pixel buffers) and not yet freed")
                .baseUnit("bytes").register(registry);
    }

    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:    123456 kB" (a tab after the colon)
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
