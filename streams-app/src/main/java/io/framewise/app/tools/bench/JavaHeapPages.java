package io.framewise.app.tools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * How much of the Java heap is resident: the resident pages of the mappings within the heap's reserved address range.
 * The range comes from the JVM's own {@code GC.heap_info} diagnostic command (as {@code jcmd PID GC.heap_info} prints
 * it, e.g. {@code garbage-first heap total 672768K, used 418857K [0x00000000c0000000, 0x0000000100000000)}); the pages
 * from {@code /proc/self/smaps}. Linux only; elsewhere, or if the JVM does not print a range, {@link #residentBytes()}
 * is -1.
 */
final class JavaHeapPages {
    private static final Pattern RANGE = Pattern.compile("\\[0x([0-9a-f]+), ?0x([0-9a-f]+)\\)");
    private static final Path SMAPS = Path.of("/proc/self/smaps");

    private final long start;
    private final long end;

    private JavaHeapPages(long start, long end) {
        this.start = start;
        this.end = end;
    }

    /** This JVM's heap, whose reserved range is fixed at start-up; an instance answering -1 if it cannot be found. */
    static JavaHeapPages ofThisProcess() {
        try {
            Object info = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo", new Object[] {null},
                    new String[] {String[].class.getName()});
            return parse(String.valueOf(info));
        } catch (JMException | RuntimeException e) {
            return new JavaHeapPages(0, 0);
        }
    }

    /** The first address range in {@code GC.heap_info}'s output: the heap's reservation. */
    static JavaHeapPages parse(String heapInfo) {
        Matcher m = RANGE.matcher(heapInfo);
        if (!m.find()) {
            return new JavaHeapPages(0, 0);
        }
        return new JavaHeapPages(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16));
    }

    /** Bytes of the heap resident now, or -1 when unknown. */
    long residentBytes() {
        if (end <= start || !Files.isReadable(SMAPS)) {
            return -1;
        }
        try (BufferedReader lines = Files.newBufferedReader(SMAPS)) {
            return residentWithin(lines);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Sums the {@code Rss:} of the smaps entries that overlap this range. An entry starts with its address range
     * ({@code 7f1c2a000000-7f1c2a021000 rw-p ...}); its fields start with a capital letter.
     */
    long residentWithin(BufferedReader smaps) throws IOException {
        long resident = 0;
        boolean inHeap = false;
        String line;
        while ((line = smaps.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            char first = line.charAt(0);
            if (Character.isDigit(first) || (first >= 'a' && first <= 'f')) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                long from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inHeap = Long.compareUnsigned(from, end) < 0 && Long.compareUnsigned(to, start) > 0;
            } else if (inHeap && line.startsWith("Rss:")) {
                resident += Long.parseLong(line.substring(4).replace("kB", "").trim()) * 1024;
            }
        }
        return resident;
    }
}
