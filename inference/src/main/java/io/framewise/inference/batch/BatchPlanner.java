package io.framewise.inference.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * Chooses the next batch from the images waiting, in arrival order, when the model is free: Nexus's early drop. An
 * image that may be shed and would finish past its deadline even if its batch started now is shed (answered at once,
 * without inference) instead of taking a slot that an image which can still make it would use; the batch is the first
 * {@code maxBatch} of the rest. The size used to judge an image is the size its batch would reach with every image
 * still waiting, so that under load the model keeps running full batches of frames that make their deadlines.
 *
 * <p>A pure function: the engine applies it in real time, the controller simulation in virtual time.
 */
public final class BatchPlanner {
    /** What the planner needs of a waiting image. */
    public interface Pending {
        long deadlineNanos();

        /** False when the image must run even if late (best-effort policy). */
        boolean sheddable();
    }

    /** Indices into the waiting list: the images to shed, and those of the batch, both in arrival order. */
    public record Plan(List<Integer> shed, List<Integer> batch) {
    }

    private BatchPlanner() {
    }

    /**
     * @param waiting   images waiting, oldest first
     * @param nowNanos  when the batch would start
     * @param latency   estimated latency of a batch of each size (nanoseconds)
     */
    public static Plan plan(List<? extends Pending> waiting, long nowNanos, IntToLongFunction latency, int maxBatch) {
        List<Integer> shed = new ArrayList<>();
        List<Integer> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
        for (int i = 0; i < waiting.size() && batch.size() < maxBatch; i++) {
            Pending p = waiting.get(i);
            int size = Math.min(maxBatch, batch.size() + waiting.size() - i);
            if (p.sheddable() && p.deadlineNanos() < nowNanos + latency.applyAsLong(size)) {
                shed.add(i);
            } else {
                batch.add(i);
            }
        }
        return new Plan(shed, batch);
    }
}
