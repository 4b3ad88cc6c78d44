package io.framewise.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThreadStatTest {
    /** proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ... */
    private static final String STAT = "4242 (C2 Compiler) Thre) S 1 4242 4242 0 -1 4194368 12 0 0 0 5 1 0 0 30 10 20 0 123 0 0";

    @Test
    void fieldsAreNumberedAsProcDoesAndCountedAfterTheCommandWhateverItHolds() {
        assertThat(ThreadStat.field(STAT, 4)).as("ppid").isEqualTo(1);
        assertThat(ThreadStat.field(STAT, 14)).as("utime").isEqualTo(5);
        assertThat(ThreadStat.field(STAT, 15)).as("stime").isEqualTo(1);
        assertThat(ThreadStat.field(STAT, 18)).as("priority").isEqualTo(30);
        assertThat(ThreadStat.field(STAT, 19)).as("nice").isEqualTo(10);
        assertThatThrownBy(() -> ThreadStat.field(STAT, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theJitCompilerIsKnownByHotSpotsThreadNames() {
        assertThat(ThreadStat.isJitCompiler("C1 CompilerThre")).isTrue();
        assertThat(ThreadStat.isJitCompiler("C2 CompilerThre")).isTrue();
        assertThat(ThreadStat.isJitCompiler("Sweeper thread")).isFalse();
        assertThat(ThreadStat.isJitCompiler("java")).isFalse();
    }
}
