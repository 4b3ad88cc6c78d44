package io.framewise.app.tools.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The one way tools wait until every frame is accounted for: a reader of the events and dead-letter topics on its
 * own thread records every outcome in a {@link FrameLedger} (which the publisher fills with the frames the broker
 * acknowledged) and hands it to a listener; the caller publishes meanwhile and then waits. Used by the demo, the
 * benchmarks and the cluster tests.
 *
 * <p>The listener runs on the collector's thread; what it gathers is safe to read once {@link #close()} returned.
 * A listener that throws stops the collector, and the failure is rethrown by the next wait and by {@code close}.
 */
public final class OutcomeCollector implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);

    private final OutcomeReader reader;
    private final FrameLedger ledger;
    private final Consumer<Outcome> listener;
    private final AtomicLong lastReceivedNanos = new AtomicLong(System.nanoTime());
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts reading at once, from the beginning of both topics.
     *
     * @param deadLetterTopic null to read events only
     */
    public OutcomeCollector(Map<String, Object> client, String eventsTopic, String deadLetterTopic, boolean readCommitted,
                            FrameLedger ledger, Consumer<Outcome> listener) {
        this.reader = new OutcomeReader(client, eventsTopic, deadLetterTopic, readCommitted);
        this.ledger = ledger;
        this.listener = listener;
        this.thread = new Thread(this::read, "outcome-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void read() {
        try {
            while (running) {
                for (Outcome o : reader.poll(POLL)) {
                    ledger.outcome(o);
                    listener.accept(o);
                    lastReceivedNanos.set(System.nanoTime());
                }
            }
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            reader.close(); // the consumer is used and closed on this thread only
        }
    }

    /**
     * Waits until every frame acknowledged so far has an outcome and then {@code quiet} has passed without a new one
     * (a duplicate would show up in that time; zero to return at once).
     *
     * @param giveUp checked while waiting: true to stop early (the user pressed Ctrl-C, the application died)
     * @return whether every acknowledged frame has an outcome
     */
    public boolean awaitAccounted(Duration timeout, Duration quiet, BooleanSupplier giveUp) throws InterruptedException {
        return await(() -> ledger.missing() == 0 && System.nanoTime() - lastReceivedNanos.get() >= quiet.toNanos(), timeout,
                giveUp) && ledger.missing() == 0;
    }

    /** Waits until {@code condition} holds (checked every 20 ms) or the timeout passes; whether it holds. */
    public boolean await(BooleanSupplier condition, Duration timeout, BooleanSupplier giveUp) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            rethrowFailure();
            if (System.nanoTime() > deadline || giveUp.getAsBoolean()) {
                return condition.getAsBoolean();
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    private void rethrowFailure() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw new IllegalStateException("reading outcomes failed: " + e.getMessage(), e);
        }
    }

    /** Stops reading and waits for the reader to close; rethrows a failure of the reader or the listener. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(30).toMillis());
        rethrowFailure();
    }
}
