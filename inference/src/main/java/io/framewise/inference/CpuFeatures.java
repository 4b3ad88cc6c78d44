package io.framewise.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/** What this CPU can do, from /proc/cpuinfo (Linux), for choosing precision and for benchmark reports. */
public final class CpuFeatures {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static volatile Set<String> flags;

    private CpuFeatures() {
    }

    /** True when the CPU computes bfloat16 natively (AVX-512 BF16 or AMX-BF16), where oneDNN's bf16 path pays off. */
    public static boolean hasBfloat16() {
        Set<String> f = flags();
        return f.contains("avx512_bf16") || f.contains("amx_bf16");
    }

    public static String modelName() {
        try {
            return Files.readAllLines(CPUINFO).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    private static Set<String> flags() {
        if (flags == null) {
            try {
                flags = Files.readAllLines(CPUINFO).stream().filter(l -> l.startsWith("flags")).findFirst()
                        .map(l -> Set.of(l.substring(l.indexOf(':') + 1).strip().split("\\s+"))).orElse(Set.of());
            } catch (IOException | RuntimeException e) {
                flags = Set.of();
            }
        }
        return flags.stream().collect(Collectors.toUnmodifiableSet());
    }
}
