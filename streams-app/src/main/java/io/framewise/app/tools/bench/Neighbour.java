package io.framewise.app.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A noisy neighbour the benchmark controls: {@code cores} threads that keep a core each busy for the first
 * {@code onMillis} of every {@code periodMillis}, while it is active, as another tenant of a shared machine (or a
 * Kubernetes node) would. Pure arithmetic, no memory traffic to speak of: what it takes from the pipeline is CPU time.
 */
final class Neighbour implements AutoCloseable {
    private final List<Thread> threads = new ArrayList<>();
    private final long onNanos;
    private final long periodNanos;
    private volatile boolean active;
    private volatile boolean closed;
    /** Written so that the loop is not optimised away. */
    volatile long sink;

    Neighbour(int cores, long onMillis, long periodMillis) {
        this.onNanos = TimeUnit.MILLISECONDS.toNanos(onMillis);
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        for (int i = 0; i < cores; i++) {
            Thread t = new Thread(this::loop, "bench-neighbour-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Starts or stops taking CPU. */
    void active(boolean on) {
        active = on;
    }

    private void loop() {
        long x = 1;
        long origin = System.nanoTime();
        while (!closed) {
            long phase = (System.nanoTime() - origin) % periodNanos;
            if (active && phase < onNanos) {
                for (int k = 0; k < 100_000; k++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                sink = x;
            } else {
                try {
                    Thread.sleep(active ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(periodNanos - phase)) : 50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }
}
