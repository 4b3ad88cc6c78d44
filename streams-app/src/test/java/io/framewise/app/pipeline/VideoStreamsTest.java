package io.framewise.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.framewise.app.testing.TestFrames;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.decoder.video.VideoSession;
import io.framewise.schema.Codec;
import org.junit.jupiter.api.Test;

/** The decoders of a task's video cameras: made when needed, closed when idle, on a codec switch and with the task. */
class VideoStreamsTest {
    private final AtomicLong now = new AtomicLong();
    private final List<VideoEncoder.Encoded> units = TestFrames.h264(160, 128, 0, 3, 10);

    private void decode(VideoSession session, int sequence) {
        VideoSession.Step step = session.take(sequence, ByteBuffer.wrap(units.get(sequence).annexB()), true);
        assertThat(step.hasPicture()).as(step.reason()).isTrue();
        step.image().close();
    }

    @Test
    void aCamerasDecoderIsClosedOnceItHasBeenIdleForTheIdleTime() {
        try (VideoStreams streams = new VideoStreams(1_000_000, 60_000, 8, now::get)) {
            VideoSession door = streams.session("door", Codec.H264);
            decode(door, 0);
            assertThat(door.decoderOpen()).isTrue();
            now.addAndGet(TimeUnit.SECONDS.toNanos(59));
            streams.forgetIdle();
            assertThat(door.decoderOpen()).as("idle 59 s of 60").isTrue();
            now.addAndGet(TimeUnit.SECONDS.toNanos(2));
            streams.forgetIdle();
            assertThat(door.decoderOpen()).as("idle 61 s").isFalse();
            assertThat(streams.size()).isZero();
            // it comes back: a new session, waiting for a keyframe
            VideoSession.Step step = streams.session("door", Codec.H264).take(1, ByteBuffer.wrap(units.get(1).annexB()), true);
            assertThat(step.reason()).contains("waiting for a keyframe");
        }
    }

    @Test
    void atMostMaxDecodersCamerasKeepADecoderTheLeastRecentlySeenLosingItsFirst() {
        try (VideoStreams streams = new VideoStreams(1_000_000, 60_000, 2, now::get)) {
            VideoSession a = streams.session("a", Codec.H264);
            decode(a, 0);
            VideoSession b = streams.session("b", Codec.H264);
            decode(b, 0);
            streams.session("a", Codec.H264); // a seen again: b is now the least recent
            VideoSession c = streams.session("c", Codec.H264);
            decode(c, 0);
            assertThat(b.decoderOpen()).as("the least recently seen camera's decoder").isFalse();
            assertThat(a.decoderOpen()).isTrue();
            assertThat(c.decoderOpen()).isTrue();
            assertThat(streams.size()).isEqualTo(2);
        }
    }

    @Test
    void aCodecSwitchOrStillImagesCloseTheCamerasDecoderAndTheTaskClosesTheRest() {
        VideoSession gate;
        VideoSession door;
        try (VideoStreams streams = new VideoStreams(1_000_000, 60_000, 8, now::get)) {
            door = streams.session("door", Codec.H264);
            decode(door, 0);
            VideoSession switched = streams.session("door", Codec.H265);
            assertThat(door.decoderOpen()).as("the H.264 decoder after a switch to H.265").isFalse();
            assertThat(switched.codec()).isEqualTo(Codec.H265);
            VideoSession.Step step = switched.take(1, ByteBuffer.wrap(new byte[] {0, 0, 1, 2, 1, (byte) 0xAF}), true);
            assertThat(step.reason()).isEqualTo("no reference picture: waiting for a keyframe (the camera switched from H264 to H265)");
            assertThat(streams.session("door", Codec.JPEG)).as("still images need no decoder").isNull();
            assertThat(streams.size()).isZero();
            gate = streams.session("gate", Codec.H264);
            decode(gate, 0);
        }
        assertThat(gate.decoderOpen()).as("closed with the task").isFalse();
    }
}
