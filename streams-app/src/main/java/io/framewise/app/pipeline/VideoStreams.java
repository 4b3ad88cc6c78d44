package io.framewise.app.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.framewise.app.observability.Printable;
import io.framewise.decoder.video.VideoSession;
import io.framewise.schema.Codec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H.264/H.265 cameras of one task, each with its {@link VideoSession}: created on the camera's first access unit,
 * closed when the camera has been idle for {@code framewise.video.decoder.idle.ms}, switches codec or to still images,
 * when {@code framewise.video.max.decoders} other cameras were seen since (least recently seen first), and when the
 * task's processor closes. Kafka Streams closes and re-creates a task's
 * processor around every rewind (revocation, crash, aborted transaction), so a session never carries pictures from
 * work that was rolled back: the task's next processor starts every camera afresh, waiting for its keyframe.
 *
 * <p>Not thread-safe: one per task, used by its stream thread only.
 */
public final class VideoStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoStreams.class);

    private final long maxPixels;
    private final CameraTable<VideoSession> sessions;

    /** @param maxDecoders how many cameras keep a decoder at most ({@code framewise.video.max.decoders}) */
    public VideoStreams(long maxPixels, long idleMs, int maxDecoders, LongSupplier nanoTime) {
        this.maxPixels = maxPixels;
        this.sessions = new CameraTable<>(maxDecoders, TimeUnit.MILLISECONDS.toNanos(idleMs), nanoTime, VideoSession::close);
    }

    /** The camera's session for a frame of this codec; null, and any session closed, for still-image codecs. */
    public VideoSession session(String camera, Codec codec) {
        boolean video = codec == Codec.H264 || codec == Codec.H265;
        VideoSession session = sessions.get(camera);
        if (session != null && session.codec() == codec) {
            return session;
        }
        String start = "the decoder started mid-GOP";
        if (session != null) {
            LOG.warn("camera {} switched from {} to {}: its decoder is closed{}", Printable.of(camera), session.codec(), codec,
                    video ? " and a new one waits for a keyframe" : "");
            sessions.remove(camera);
            start = "the camera switched from " + session.codec() + " to " + codec;
        }
        if (!video) {
            return null;
        }
        VideoSession fresh = new VideoSession(codec, maxPixels, start);
        sessions.put(camera, fresh);
        return fresh;
    }

    /** Closes the decoders of cameras idle for longer than the idle time. */
    public void forgetIdle() {
        sessions.forgetIdle();
    }

    public int size() {
        return sessions.size();
    }

    @Override
    public void close() {
        sessions.clear();
    }
}
