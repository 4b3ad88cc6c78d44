package io.framewise.app.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Samples the process's resident set size (native memory included: TensorFlow tensors, OpenCV Mats, JavaCPP
 * pointers) and the Java heap once a second while a soak runs (forcing a collection every second would slow the
 * run it measures; the final sample collects first).
 */
public final class MemorySampler implements AutoCloseable {
    /**
     * One sample; sizes in bytes: the resident set, the heap in use, the heap committed and the heap's resident pages
     * (-1 when they cannot be read); {@code collected}: taken right after a GC (compare such samples only with each
     * other).
     */
    public record Sample(double atSeconds, long rssBytes, long heapBytes, long heapCommittedBytes, long heapResidentBytes,
                         long frames, boolean collected) {
        /**
         * The resident memory outside the Java heap (natives, tensors, Mats, thread stacks, code): what a native leak
         * grows. The heap's own pages count in the RSS as the JVM first touches them, which it does, up to -Xmx,
         * whenever the collector decides to use more of the heap; that is not a leak, and over a short soak in a JVM
         * shared with other work it is as large as the leak the soak looks for. The heap's resident pages are taken
         * out, not its committed size: committed pages are resident only once touched, so a heap committed but not
         * yet touched at warm-up read as growth outside the heap once it was (+30% in one run). Committed is the
         * fallback where the heap's pages cannot be read.
         */
        public long outsideHeapBytes() {
            return rssBytes - (heapResidentBytes >= 0 ? heapResidentBytes : heapCommittedBytes);
        }
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private final long start = System.nanoTime();
    private final LongSupplier frames;
    private final LongSupplier residentBytes;
    private final LongSupplier heapResidentBytes;
    private final Supplier<MemoryUsage> heapUsage;
    private volatile boolean running = true;

    /** Samples this process once a second until closed. */
    public MemorySampler(LongSupplier frames) {
        this(frames, MemorySampler::rss, JavaHeapPages.ofThisProcess()::residentBytes,
                () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage(), true);
    }

    /** With the resident set and the heap from elsewhere (tests); {@code periodic}: sample once a second. */
    MemorySampler(LongSupplier frames, LongSupplier residentBytes, LongSupplier heapResidentBytes,
                  Supplier<MemoryUsage> heapUsage, boolean periodic) {
        this.frames = frames;
        this.residentBytes = residentBytes;
        this.heapResidentBytes = heapResidentBytes;
        this.heapUsage = heapUsage;
        this.thread = new Thread(this::loop, "memory-sampler");
        this.thread.setDaemon(true);
        if (periodic) {
            this.thread.start();
        }
    }

    private void loop() {
        while (running) {
            sample(false);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Takes a sample now; with {@code collect}, after a GC, so that the heap figure is live data rather than garbage. */
    public synchronized Sample sample(boolean collect) {
        if (collect) {
            System.gc();
        }
        MemoryUsage heap = heapUsage.get();
        Sample s = new Sample((System.nanoTime() - start) / 1e9, residentBytes.getAsLong(), heap.getUsed(), heap.getCommitted(),
                heapResidentBytes.getAsLong(), frames.getAsLong(), collect);
        samples.add(s);
        return s;
    }

    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** VmRSS of this process from /proc (Linux), or -1 where there is no /proc. */
    public static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
