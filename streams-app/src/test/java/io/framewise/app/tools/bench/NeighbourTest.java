package io.framewise.app.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The benchmark's noisy neighbour takes a core while it is active, and nothing while it is not. */
class NeighbourTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU time of the neighbour's threads, in ms. */
    private static long neighbourCpuMs() {
        long total = 0;
        for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("bench-neighbour-")) {
                total += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(total);
    }

    @Test
    void itTakesACoreOnlyWhileActive() throws Exception {
        try (Neighbour neighbour = new Neighbour(1, 1_000, 1_000)) { // on for the whole period: busy while active
            Thread.sleep(200);
            long idleStart = neighbourCpuMs();
            Thread.sleep(600);
            long idle = neighbourCpuMs() - idleStart;
            neighbour.active(true);
            long busyStart = neighbourCpuMs();
            Thread.sleep(600);
            long busy = neighbourCpuMs() - busyStart;
            neighbour.active(false);
            assertThat(idle).as("CPU ms while inactive").isLessThan(50);
            // on a shared machine a busy thread may not get all of a core: a third of it is plenty to tell apart
            assertThat(busy).as("CPU ms while active").isGreaterThan(200);
        }
    }
}
