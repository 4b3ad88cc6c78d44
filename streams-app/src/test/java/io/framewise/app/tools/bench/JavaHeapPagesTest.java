package io.framewise.app.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;

import org.junit.jupiter.api.Test;

class JavaHeapPagesTest {
    private static final String HEAP_INFO = """
             garbage-first heap   total 672768K, used 418857K [0x00000000c0000000, 0x0000000100000000)
              region size 1024K, 3 young (3072K), 0 survivors (0K)
             Metaspace       used 11656K, committed 11904K, reserved 1114112K
            """;

    @Test
    void sumsTheResidentPagesOfTheMappingsWithinTheHeapsRangeOnly() throws Exception {
        String smaps = """
                bfe00000-c0000000 rw-p 00000000 00:00 0
                Size:               2048 kB
                Rss:                1000 kB
                c0000000-d0000000 rw-p 00000000 00:00 0
                Size:             262144 kB
                Rss:              200000 kB
                VmFlags: rd wr mr mw me ac
                d0000000-100000000 ---p 00000000 00:00 0
                Size:             786432 kB
                Rss:                   0 kB
                100000000-100200000 rw-p 00000000 00:00 0
                Rss:                2048 kB
                7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0
                Rss:                 132 kB
                """;
        long resident = JavaHeapPages.parse(HEAP_INFO).residentWithin(new BufferedReader(new StringReader(smaps)));
        assertThat(resident).isEqualTo(200_000L * 1024);
    }

    @Test
    void unknownWhenTheJvmPrintsNoRange() {
        assertThat(JavaHeapPages.parse("no heap here").residentBytes()).isEqualTo(-1);
    }

    @Test
    void thisJvmsResidentHeapHoldsWhatItUsesAndNoMoreThanItCommitted() {
        byte[][] live = new byte[64][];
        for (int i = 0; i < live.length; i++) {
            live[i] = new byte[1 << 20]; // zeroed, so touched
        }
        long resident = JavaHeapPages.ofThisProcess().residentBytes();
        assertThat(live[63]).hasSize(1 << 20);
        assertThat(resident).as("read from /proc/self/smaps").isGreaterThanOrEqualTo(64L << 20);
        assertThat(resident).isLessThanOrEqualTo(Runtime.getRuntime().totalMemory() + (2L << 20));
        assertThat(resident).isLessThan(MemorySampler.rss());
    }
}
