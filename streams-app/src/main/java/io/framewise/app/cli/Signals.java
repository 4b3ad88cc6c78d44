package io.framewise.app.cli;

import java.util.concurrent.CountDownLatch;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a latch, so that a command can stop gracefully (finish, commit, leave the group, close native
 * resources) and then exit 0, instead of the JVM's shutdown-hook exit code 143.
 */
final class Signals {
    private Signals() {
    }

    static CountDownLatch terminationLatch() {
        CountDownLatch latch = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> latch.countDown());
        }
        return latch;
    }
}
