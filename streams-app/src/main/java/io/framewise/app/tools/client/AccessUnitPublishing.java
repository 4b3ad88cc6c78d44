package io.framewise.app.tools.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

import io.framewise.app.observability.Printable;
import io.framewise.decoder.source.AccessUnitSource;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;

/**
 * Publishes one camera's H.264 or H.265 access units from a video file or a live stream (RTSP) unchanged: copied,
 * never decoded or re-encoded, one access unit per record, in decode order ({@link AccessUnitSource} makes them
 * Annex-B and gives every keyframe its parameter sets).
 *
 * <ul>
 *   <li>{@code sequence} counts the camera's access units in decode order, without gaps: the first one published is
 *       a keyframe (the access units before it, which cannot be decoded without it, are dropped and counted), and so
 *       is the first one after a reconnection.</li>
 *   <li>{@code captureTimestamp} is the camera's clock where the protocol gives it (RTSP's RTCP sender reports and the
 *       packet's timestamp), else the publisher's at the moment of sending.</li>
 *   <li>A stream with B-frames is refused with the reason: its pictures leave a decoder after later access units,
 *       so none could be classified under its own access unit.</li>
 *   <li>An access unit larger than the largest record the producer and the topic accept is not sent (it would fail in
 *       the producer): it is counted and explained once, and its sequence number is left as a gap, so that the
 *       application knows the camera's pictures need the next keyframe.</li>
 *   <li>A live stream that drops or goes silent ({@code timeout}) is reopened with a backoff of 1 s doubling to 30 s,
 *       each attempt said on the log; a file is read once.</li>
 * </ul>
 */
public final class AccessUnitPublishing {
    /** How long a live stream may stay silent before it is reopened (FFmpeg's socket timeout). */
    static final long SILENCE_TIMEOUT_MICROS = 5_000_000;
    private static final long MAX_BACKOFF_MS = 30_000;

    /**
     * @param maxRecordBytes the largest record the producer and the topic accept
     * @param listen         an {@code rtsp://} source is listened on, for a camera or encoder that pushes its stream
     *                       (RTSP ANNOUNCE and RECORD), instead of connected to
     */
    public record Settings(String camera, String source, Codec codec, double fps, long frames, long startSequence,
                           Map<String, String> attributes, int maxRecordBytes, boolean listen) {
    }

    /** The source is not what was asked for (another codec, B-frames): reopening it would not help. */
    public static final class SourceRefused extends IOException {
        private final String fix;

        public SourceRefused(String message, String fix) {
            super(message);
            this.fix = fix;
        }

        /** What the user can do about it. */
        public String fix() {
            return fix;
        }
    }

    /** What was published. */
    public record Outcome(long published, long droppedBeforeKeyframe, long tooLarge, int reconnections) {
    }

    private final Settings settings;
    private final PrintWriter log;
    private long sequence;
    private long published;
    private long dropped;
    private long tooLarge;
    private int reconnections;

    public AccessUnitPublishing(Settings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
        this.sequence = settings.startSequence();
    }

    /** True for a source that is a live stream (reopened when it drops), not a file. */
    static boolean live(String source) {
        String s = source.toLowerCase(Locale.ROOT);
        return s.startsWith("rtsp://") || s.startsWith("rtsps://") || s.startsWith("rtmp://") || s.startsWith("srt://")
                || s.startsWith("udp://") || s.startsWith("tcp://") || s.startsWith("http://") || s.startsWith("https://");
    }

    /**
     * Publishes until the file ends, {@code frames} access units are out, or the thread is interrupted.
     *
     * @throws IOException when the source cannot be opened at first (a wrong path or address), or is not what was
     *                     asked for (another codec, B-frames)
     */
    public Outcome run(FramePublisher publisher, FramePublisher.Progress progress) throws IOException, InterruptedException {
        boolean live = live(settings.source());
        long backoffMs = 1_000;
        boolean opened = false;
        while (!done()) {
            AccessUnitSource source;
            try {
                source = new AccessUnitSource(settings.source(), live ? liveOptions(settings) : Map.of());
            } catch (IOException e) {
                if (!opened || !live) {
                    throw e;
                }
                backoffMs = pause(backoffMs, "cannot reopen the stream: " + Printable.of(e.getMessage()) + "; trying again");
                continue;
            }
            long before = published;
            String lost = null;
            try (source) {
                check(source);
                if (!opened) {
                    log.println("publishing " + Printable.of(source.describe()) + " unchanged as camera " + settings.camera()
                            + (settings.listen() ? " (pushed to this publisher)" : "")
                            + (source.senderEpochMicros() >= 0 ? ", capture times from the camera's clock" : "")
                            + (settings.fps() > 0 ? " at " + settings.fps() + " fps" : live ? "" : " as fast as possible")
                            + "; largest record " + settings.maxRecordBytes() + " bytes");
                    log.flush();
                } else {
                    log.printf(Locale.ROOT, "%s: stream reopened; resuming at its next keyframe%n", settings.camera());
                    log.flush();
                }
                opened = true;
                stream(source, publisher, progress);
            } catch (IOException e) {
                if (!live || e instanceof SourceRefused) {
                    throw e;
                }
                lost = e.getMessage();
            }
            if (!live || done()) {
                break;
            }
            if (published > before) {
                backoffMs = 1_000; // it streamed: a new drop starts the backoff again
            }
            backoffMs = pause(backoffMs, "the stream " + (lost == null ? "ended" : "was lost (" + Printable.of(lost) + ")")
                    + "; reopening");
        }
        return new Outcome(published, dropped, tooLarge, reconnections);
    }

    /** Says what happened and that the stream is reopened after {@code backoffMs}, waits, and returns the next wait. */
    private long pause(long backoffMs, String what) throws InterruptedException {
        log.printf(Locale.ROOT, "%n%s: %s in %d s (attempt %d)%n", settings.camera(), what, backoffMs / 1000, reconnections + 1);
        log.flush();
        Thread.sleep(backoffMs);
        reconnections++;
        return Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }

    private boolean done() {
        return Thread.currentThread().isInterrupted() || settings.frames() >= 0 && published >= settings.frames();
    }

    private void check(AccessUnitSource source) throws IOException {
        if (source.codec() != settings.codec()) {
            throw new SourceRefused(settings.source() + "'s video is " + source.codec() + ", not " + settings.codec(),
                    "publish it with --codec " + source.codec().name().toLowerCase(Locale.ROOT));
        }
        if (source.reorders()) {
            throw new SourceRefused(settings.source() + " has B-frames: its pictures are decoded out of display order and "
                    + "leave a decoder after later access units, so they cannot be classified one access unit per record",
                    "set the camera's encoder to no B-frames (most IP cameras: H.264 baseline or main profile, B-frames 0), "
                    + "or publish it re-encoded with --codec jpeg");
        }
    }

    /** Publishes the source's access units until it ends or enough are published. */
    private void stream(AccessUnitSource source, FramePublisher publisher, FramePublisher.Progress progress)
            throws IOException, InterruptedException {
        CameraPace pace = new CameraPace(settings.fps());
        CaptureClock clock = new CaptureClock(source::senderEpochMicros,
                source.frameRate() > 0 ? Math.round(1e6 / source.frameRate()) : 40_000);
        boolean waitingForKeyframe = true;
        long droppedHere = 0;
        long lastPts = -1;
        AccessUnitSource.Unit held = null;
        AccessUnitSource.Unit u;
        while (!done() && (u = source.next()) != null) {
            if (waitingForKeyframe) {
                if (!u.info().keyframe()) {
                    droppedHere++;
                    continue;
                }
                waitingForKeyframe = false;
                if (droppedHere > 0) {
                    dropped += droppedHere;
                    log.printf(Locale.ROOT, "%s: %d access unit(s) before the first keyframe dropped (they cannot be "
                            + "decoded without it)%n", settings.camera(), droppedHere);
                    log.flush();
                }
            }
            if (u.ptsMicros() >= 0 && lastPts >= 0 && u.ptsMicros() < lastPts && lastPts - u.ptsMicros() < 1_000_000) {
                // a stream whose header did not say it reorders (RTSP often does not): its times step back a frame or two
                throw new SourceRefused(settings.source() + " has B-frames: access unit " + sequence + " is presented "
                        + (lastPts - u.ptsMicros()) / 1000 + " ms before the one decoded ahead of it, so its picture would "
                        + "leave a decoder after later access units", "set the camera's encoder to no B-frames, or publish it "
                        + "re-encoded with --codec jpeg");
            }
            lastPts = Math.max(lastPts, u.ptsMicros());
            pace.awaitFrame(published);
            OptionalLong camera = clock.capture(u.ptsMicros());
            if (camera.isEmpty() && clock.waitsForTime()) {
                // the stream's first access unit came before its timing (RTSP: before the sender's first report):
                // it is sent with the next one, one frame interval before it, rather than stamped by another clock
                held = u;
                continue;
            }
            if (held != null) {
                send(source, held, camera.isPresent() ? micros(camera.getAsLong() - clock.intervalMicros()) : publisher.now(),
                        publisher, progress);
                held = null;
            }
            send(source, u, camera.isPresent() ? micros(camera.getAsLong()) : publisher.now(), publisher, progress);
        }
        if (held != null) {
            send(source, held, publisher.now(), publisher, progress);
        }
        publisher.countLate(pace.late());
    }

    private static Instant micros(long epochMicros) {
        return Instant.EPOCH.plusNanos(epochMicros * 1_000);
    }

    private void send(AccessUnitSource source, AccessUnitSource.Unit u, Instant captured, FramePublisher publisher,
                      FramePublisher.Progress progress) {
        Frame frame = Frame.newBuilder().setCameraId(settings.camera()).setSequence(sequence).setCaptureTimestamp(captured)
                .setCodec(source.codec()).setWidth(source.width()).setHeight(source.height())
                .setKeyframe(u.info().keyframe()).setPayload(ByteBuffer.wrap(u.annexB()))
                .setAttributes(settings.attributes()).build();
        byte[] record = FramewiseSerdes.frame().encode(frame);
        if (record.length > settings.maxRecordBytes()) {
            if (tooLarge++ == 0) {
                log.printf(Locale.ROOT, "%n%s: access unit %d (%s, %d bytes) is over the largest record the producer "
                        + "and the topic accept (%d bytes): not published, and the camera's events resume at its next "
                        + "keyframe. Raise the producer's max.request.size (--set max.request.size=N) and the topic's "
                        + "max.message.bytes, or lower the camera's bitrate or resolution (said once; counted)%n",
                        settings.camera(), sequence, u.info().keyframe() ? "keyframe" : "not a keyframe", record.length,
                        settings.maxRecordBytes());
                log.flush();
            }
            sequence++; // the gap tells the application the pictures after it lack a reference
            return;
        }
        publisher.send(settings.camera(), sequence, record);
        progress.framePublished(settings.camera(), sequence, record.length);
        sequence++;
        published++;
    }

    private static Map<String, String> liveOptions(Settings settings) {
        if (settings.listen()) {
            // waits for the pusher as long as it takes; once it streams, silence ends the session like a drop
            return Map.of("rtsp_flags", "listen", "listen_timeout", "-1", "rtsp_transport", "tcp");
        }
        return settings.source().toLowerCase(Locale.ROOT).startsWith("rtsp")
                ? Map.of("rtsp_transport", "tcp", "timeout", Long.toString(SILENCE_TIMEOUT_MICROS))
                : Map.of("timeout", Long.toString(SILENCE_TIMEOUT_MICROS));
    }
}
