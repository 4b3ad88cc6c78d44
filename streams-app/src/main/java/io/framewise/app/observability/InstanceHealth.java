package io.framewise.app.observability;

import org.apache.kafka.streams.KafkaStreams;

/**
 * Where one instance is in its life, as the health endpoints report it. Live unless the instance has failed (its
 * process then exits, so a restart follows either way); ready only when the streams client is RUNNING, which comes
 * after the model was loaded and warmed up on the real path: not while loading, warming up, joining, rebalancing or
 * stopping, and never after a stream thread failed.
 */
public final class InstanceHealth {
    public enum Phase {
        LOADING_MODEL, WARMING_UP, STARTING, RUNNING, REBALANCING, STOPPING, STOPPED, FAILED
    }

    private volatile Phase phase = Phase.LOADING_MODEL;

    public Phase phase() {
        return phase;
    }

    public void phase(Phase phase) {
        // a failure is final: the state listener's later NOT_RUNNING must not hide it
        if (this.phase != Phase.FAILED) {
            this.phase = phase;
        }
    }

    /** Follows the streams client's state (from its state listener). */
    public void streamsState(KafkaStreams.State state) {
        switch (state) {
            case CREATED -> phase(Phase.STARTING);
            case REBALANCING -> phase(Phase.REBALANCING);
            case RUNNING -> phase(Phase.RUNNING);
            case PENDING_SHUTDOWN -> phase(Phase.STOPPING);
            case NOT_RUNNING -> phase(Phase.STOPPED);
            case PENDING_ERROR, ERROR -> phase(Phase.FAILED);
        }
    }

    public boolean live() {
        return phase != Phase.FAILED;
    }

    public boolean ready() {
        return phase == Phase.RUNNING;
    }
}
