package io.framewise.inference.batch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Direct buffers of one image each, reused: a stream thread preprocesses into one, the engine copies it into the
 * batch tensor, and the buffer comes back. Steady state allocates nothing; at most as many buffers exist as frames
 * were in flight at once.
 */
public final class BufferPool {
    private final int floatsPerImage;
    private final ConcurrentLinkedQueue<FloatBuffer> free = new ConcurrentLinkedQueue<>();

    public BufferPool(int floatsPerImage) {
        this.floatsPerImage = floatsPerImage;
    }

    public FloatBuffer acquire() {
        FloatBuffer b = free.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(4 * floatsPerImage).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    public void release(FloatBuffer buffer) {
        free.offer(buffer);
    }
}
