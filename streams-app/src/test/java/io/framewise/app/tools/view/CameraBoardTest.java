package io.framewise.app.tools.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.framewise.app.observability.CameraMeters;
import io.framewise.app.testing.TestFrames;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.Label;
import io.framewise.schema.LatencyBreakdown;
import io.framewise.schema.ModelRef;
import io.framewise.schema.Status;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class CameraBoardTest {
    private long now = 1_000_000;

    private CameraBoard board(int cameras, int frames, long bytes) {
        return new CameraBoard(cameras, frames, bytes, 5, 4096L * 4096, () -> now);
    }

    @Test
    void tenThousandCamerasKeepTheBoardWithinItsBoundsAndTellPagesWhichLeft() {
        try (CameraBoard board = board(64, 8, 64 * 1024)) {
            byte[] jpeg = TestFrames.solidJpeg(64, 48, 90);
            long seen = board.changesSince(0).version();
            for (int c = 0; c < 10_000; c++) {
                for (int s = 0; s < 12; s++) {
                    board.frame(frame("cam-" + c + "-" + "x".repeat(c % 3 == 0 ? 5000 : 0), s, Codec.JPEG, jpeg, true));
                }
            }
            assertThat(board.cameras()).isEqualTo(64);
            assertThat(board.heldBytes()).isLessThanOrEqualTo(64L * 8 * jpeg.length);
            CameraBoard.Update all = board.changesSince(0);
            assertThat(all.full()).isTrue();
            assertThat(all.tiles()).hasSize(64).allSatisfy(t -> assertThat(t.id().length()).isLessThanOrEqualTo(64));
            // a page that saw the first version is told everything again: the removals it missed are no longer kept
            assertThat(board.changesSince(seen).full()).isTrue();

            long before = board.changesSince(0).version();
            board.frame(frame("newcomer", 0, Codec.JPEG, jpeg, true));
            CameraBoard.Update update = board.changesSince(before);
            assertThat(update.full()).isFalse();
            assertThat(update.tiles()).extracting(CameraTile.Snapshot::id).containsExactly("newcomer");
            // the camera heard from least recently left: 9936 (of the last 64), whose long id the board knows cut
            assertThat(update.removed()).containsExactly(CameraMeters.label("cam-9936-" + "x".repeat(5000)));
        }
    }

    @Test
    void aJpegTileShowsTheFrameItsLatestEventAnswersAsPublished() {
        try (CameraBoard board = board(4, 4, 1 << 20)) {
            byte[] first = TestFrames.solidJpeg(64, 48, 10);
            byte[] second = TestFrames.solidJpeg(64, 48, 200);
            board.frame(frame("a", 0, Codec.JPEG, first, true));
            board.frame(frame("a", 1, Codec.JPEG, second, true));
            assertThat(snapshot(board, "a").image()).as("no event yet: the newest frame").isEqualTo(1L);
            board.event(event("a", 0, Status.OK));
            CameraTile.Snapshot s = snapshot(board, "a");
            assertThat(s.image()).isZero();
            assertThat(s.latest().labels()).extracting(CameraTile.Scored::label).containsExactly("car");
            assertThat(board.picture("a", 0).bytes()).isEqualTo(first);
            assertThat(board.picture("a", 0).contentType()).isEqualTo("image/jpeg");

            board.deadLetter("a", 1, "FrameDecodeException: TRUNCATED");
            s = snapshot(board, "a");
            assertThat(s.latest().status()).isEqualTo("DEAD_LETTER");
            assertThat(s.latest().reason()).contains("TRUNCATED");
            assertThat(s.image()).as("the last classified frame stays").isZero();

            for (int i = 2; i < 8; i++) {
                board.frame(frame("a", i, Codec.JPEG, second, true));
            }
            assertThat(board.picture("a", 0).bytes()).as("beyond 4 frames held").isNull();
            assertThat(board.picture("a", 0).missing()).contains("no longer held");
            assertThat(board.picture("b", 0).missing()).contains("no such camera");
        }
    }

    @Test
    void theLatestOutcomeIsTheHighestSequenceWhateverTopicArrivedFirst() {
        try (CameraBoard board = board(4, 8, 1 << 20)) {
            byte[] jpeg = TestFrames.solidJpeg(16, 16, 1);
            for (int i = 0; i < 7; i++) {
                board.frame(frame("a", i, Codec.JPEG, jpeg, true));
            }
            board.event(event("a", 4, Status.OK));
            board.deadLetter("a", 6, "FrameDecodeException: TRUNCATED"); // the dead-letter topic was read first
            board.event(event("a", 5, Status.OK));
            CameraTile.Snapshot s = snapshot(board, "a");
            assertThat(s.latest().sequence()).isEqualTo(6);
            assertThat(s.latest().status()).isEqualTo("DEAD_LETTER");
            assertThat(s.image()).as("the newest classified frame").isEqualTo(5L);
            assertThat(board.history("a")).extracting(CameraTile.Outcome::sequence).containsExactly(4L, 5L, 6L);

            board.event(event("a", 0, Status.OK)); // far behind would be a restart; 6 behind is a late arrival
            assertThat(board.history("a")).extracting(CameraTile.Outcome::sequence).containsExactly(0L, 4L, 5L, 6L);
            board.event(event("a", 5000, Status.OK));
            board.event(event("a", 1, Status.OK)); // the camera started counting again
            assertThat(board.history("a")).extracting(CameraTile.Outcome::sequence).containsExactly(1L);
        }
    }

    @Test
    void pngGoesToTheBrowserAsPublishedAndRawPixelsAreEncodedAsJpeg() {
        try (CameraBoard board = board(4, 4, 1 << 20);
             Scalar grey = new Scalar(77, 77, 77, 0);
             Mat pixels = new Mat(48, 64, CV_8UC3, grey)) {
            byte[] png = new ImageEncoder(Codec.PNG, 90).encode(pixels);
            board.frame(frame("p", 0, Codec.PNG, png, true));
            assertThat(board.picture("p", 0).bytes()).isEqualTo(png);
            assertThat(board.picture("p", 0).contentType()).isEqualTo("image/png");

            byte[] raw = new byte[64 * 48 * 3];
            Arrays.fill(raw, (byte) 77);
            board.frame(Frame.newBuilder().setCameraId("r").setSequence(0).setCaptureTimestamp(Instant.EPOCH)
                    .setCodec(Codec.RAW_BGR24).setWidth(64).setHeight(48).setPayload(ByteBuffer.wrap(raw))
                    .setAttributes(Map.of()).build());
            CameraBoard.Picture p = board.picture("r", 0);
            assertThat(p.contentType()).isEqualTo("image/jpeg");
            try (Mat encoded = new Mat(p.bytes()); Mat decoded = imdecode(encoded, IMREAD_COLOR);
                 Scalar average = mean(decoded)) {
                assertThat(decoded.cols()).isEqualTo(64);
                assertThat(average.get(0)).isCloseTo(77.0, offset(2.0));
            }
            board.frame(frame("short", 0, Codec.RAW_BGR24, new byte[10], true));
            assertThat(board.picture("short", 0).missing()).contains("does not decode");
        }
    }

    @Test
    void h264IsDecodedFromItsKeyframeAndAGroupLargerThanTheBoundIsNotHeld() {
        List<VideoEncoder.Encoded> units = TestFrames.h264(160, 120, 1, 12, 6);
        try (CameraBoard board = board(4, 100, 1 << 20)) {
            for (int i = 0; i < units.size(); i++) {
                board.frame(frame("v", i, Codec.H264, units.get(i).annexB(), units.get(i).keyframe()));
            }
            CameraBoard.Picture p = board.picture("v", 9);
            assertThat(p.contentType()).isEqualTo("image/jpeg");
            assertThat(p.bytes()).isNotEmpty();
            assertThat(board.picture("v", 11).bytes()).as("going on from 9 decodes 10 and 11").isNotEmpty();
            assertThat(board.picture("v", 3).bytes()).as("back to the first group: from keyframe 0").isNotEmpty();
        }
        long gop = units.subList(0, 6).stream().mapToLong(u -> u.annexB().length).sum();
        try (CameraBoard board = board(4, 100, gop / 2)) {
            for (int i = 0; i < 6; i++) {
                board.frame(frame("v", i, Codec.H264, units.get(i).annexB(), units.get(i).keyframe()));
            }
            assertThat(board.picture("v", 5).bytes()).isNull();
            assertThat(snapshot(board, "v").imageMissing()).contains("waiting for a keyframe");
        }
    }

    @Test
    void ratesCountTheLastTenSeconds() {
        try (CameraBoard board = board(4, 4, 1 << 20)) {
            byte[] jpeg = TestFrames.solidJpeg(16, 16, 1);
            for (int i = 0; i < 100; i++) {
                board.frame(frame("r", i, Codec.JPEG, jpeg, true));
                if (i % 2 == 0) {
                    board.event(event("r", i, Status.OK));
                } else {
                    board.event(event("r", i, Status.SKIPPED_LATE));
                }
                now += 100; // 10 fps for 10 s
            }
            CameraTile.Snapshot s = snapshot(board, "r");
            assertThat(s.framesPerSecond()).isBetween(9.0, 11.0);
            assertThat(s.skippedPerSecond()).isBetween(4.5, 5.5);
            assertThat(s.latest().reason()).isEqualTo("the latency budget could not be met");
            now += 30_000;
            assertThat(snapshot(board, "r").framesPerSecond()).isZero();
            assertThat(snapshot(board, "r").seenMillisAgo()).isEqualTo(30_100);
        }
    }

    private static CameraTile.Snapshot snapshot(CameraBoard board, String id) {
        return board.changesSince(0).tiles().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private static Frame frame(String camera, long sequence, Codec codec, byte[] payload, boolean keyframe) {
        return Frame.newBuilder().setCameraId(camera).setSequence(sequence).setCaptureTimestamp(Instant.EPOCH)
                .setCodec(codec).setKeyframe(keyframe).setPayload(ByteBuffer.wrap(payload)).setAttributes(Map.of())
                .build();
    }

    private static Classification event(String camera, long sequence, Status status) {
        return Classification.newBuilder().setCameraId(camera).setSequence(sequence).setCaptureTimestamp(Instant.EPOCH)
                .setClassifiedTimestamp(Instant.EPOCH).setModel(new ModelRef("tiny", "1")).setStatus(status)
                .setLabels(status == Status.OK ? List.of(new Label(3, "car", 0.9f)) : List.of())
                .setLatency(LatencyBreakdown.newBuilder().setQueueingMs(1).setTotalMs(12).build())
                .setBudgetMs(200).setDeadlineMet(true).build();
    }
}
