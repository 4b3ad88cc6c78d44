package io.framewise.app.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.framewise.app.observability.ThreadStat;
import io.framewise.app.tools.bench.ProcessCpu.Role;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {
    private final ProcessCpu cpu = new ProcessCpu("framewise-bench-sweep-42");

    @Test
    void threadsAreGivenTheRoleTheirNamesSay() {
        assertThat(cpu.role("framewise-bench-sweep-42-0b8f8a40-5f8e-4c3b-9d1e-2a6f3c1d9e77-StreamThread-1"))
                .isEqualTo(Role.STREAM);
        assertThat(cpu.role("kafka-producer-network-thread | framewise-bench-sweep-42-0b8f8a40-StreamThread-1-producer"))
                .isEqualTo(Role.APP_CLIENTS);
        assertThat(cpu.role("kafka-coordinator-heartbeat-thread | framewise-bench-sweep-42")).isEqualTo(Role.APP_CLIENTS);
        assertThat(cpu.role("framewise-model-efficientformer_l1-0")).isEqualTo(Role.MODEL);
        assertThat(cpu.role("framewise-batcher-efficientformer_l1")).isEqualTo(Role.MODEL);
        assertThat(cpu.role("main")).isEqualTo(Role.BENCHMARK);
        assertThat(cpu.role("outcome-collector")).isEqualTo(Role.BENCHMARK);
        assertThat(cpu.role("kafka-producer-network-thread | producer-3")).isEqualTo(Role.BENCHMARK);
        assertThat(cpu.role("bench-neighbour-0")).isEqualTo(Role.NEIGHBOUR);
        assertThat(cpu.role("data-plane-kafka-request-handler-1")).isEqualTo(Role.OTHER);
        assertThat(cpu.role("another-app-StreamThread-1")).as("another application's").isEqualTo(Role.OTHER);
        assertThat(ThreadStat.isJitCompiler("C2 CompilerThre")).isTrue();
        assertThat(ProcessCpu.isGcOrVm("G1 Conc#0")).isTrue();
        assertThat(ProcessCpu.isGcOrVm("java")).isFalse();
    }

    @Test
    void readsUserAndSystemTicksAfterTheCommandEvenWithSpacesAndParenthesesInIt() {
        String stat = "4242 (kafka-producer) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 31 0 0 20 0 1 0 100 0 0";
        assertThat(ProcessCpu.ticks(stat)).isEqualTo(281);
    }

    @Test
    void readsTheMachinesBusyStealAndIdleTimeFromProcStat() {
        String stat = "cpu  100 5 20 1000 7 1 2 30 0 0\ncpu0 50 2 10 500 3 0 1 15 0 0\nintr 1 2 3\n";
        ProcessCpu.Machine m = ProcessCpu.Machine.parse(stat);
        assertThat(m.busyNanos()).isEqualTo((100 + 5 + 20 + 1 + 2) * 10_000_000L);
        assertThat(m.stealNanos()).isEqualTo(30 * 10_000_000L);
        assertThat(m.idleNanos()).isEqualTo((1000 + 7) * 10_000_000L);
    }

    @Test
    void aBusyThreadsCpuIsCountedForItsRoleAndTheProcessTotalCoversIt() throws Exception {
        long spinNanos = TimeUnit.MILLISECONDS.toNanos(400);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            var threads = ManagementFactory.getThreadMXBean();
            long start = threads.getCurrentThreadCpuTime();
            long sink = 0;
            while (threads.getCurrentThreadCpuTime() - start < spinNanos) {
                sink += System.nanoTime() % 7;
            }
            if (sink == 42) {
                System.out.print("");
            }
            spun.countDown();
            try {
                measured.await(); // alive until measured: the JVM times only threads that still run
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-neighbour-test");
        busy.start();
        ProcessCpu.Snapshot before = cpu.snapshot();
        go.countDown();
        spun.await();
        ProcessCpu.Snapshot after = cpu.snapshot();
        measured.countDown();
        busy.join();
        Map<Role, Double> cores = cpu.between(before, after);
        double wallSeconds = (after.atNanos() - before.atNanos()) / 1e9;
        double neighbourSeconds = cores.get(Role.NEIGHBOUR) * wallSeconds;
        assertThat(neighbourSeconds).as("CPU seconds of the spinning thread").isBetween(0.39, 0.5);
        double total = cores.entrySet().stream().filter(e -> e.getKey().inProcess()).mapToDouble(Map.Entry::getValue).sum()
                * wallSeconds;
        // the process total is in 10 ms ticks; it covers the spin and whatever else ran
        assertThat(total).as("the process's CPU seconds").isGreaterThanOrEqualTo(0.37);
        double machine = (cores.get(Role.OTHER_PROCESSES) + cores.get(Role.STEAL) + cores.get(Role.IDLE)) * wallSeconds + total;
        long cpus = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu[0-9]+ .*")).count();
        assertThat(machine / wallSeconds).as("cores of the whole machine, accounted").isCloseTo(cpus, within(0.5));
    }
}
