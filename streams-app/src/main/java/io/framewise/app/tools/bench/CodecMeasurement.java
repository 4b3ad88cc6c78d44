package io.framewise.app.tools.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.ImageDecoder;
import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.PreprocessSpec;
import io.framewise.decoder.Preprocessor;
import io.framewise.decoder.source.AccessUnitSource;
import io.framewise.decoder.source.SyntheticScene;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.decoder.video.VideoSession;
import io.framewise.inference.CpuFeatures;
import io.framewise.schema.Codec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What a frame costs in bytes and in CPU before inference, per codec and frame size, on the same camera-like footage
 * (the synthetic scene, moving): JPEG q85 per frame; H.264 by OpenH264 at a fixed bitrate (the project's own encoder);
 * and, when Debian's {@code ffmpeg} is installed, H.264 by libx264 and H.265 by libx265, quality-based (CRF), as
 * cameras encode. Video is decoded access unit by access unit through a camera's {@link VideoSession}, as the
 * application does, then converted to BGR and preprocessed (224, Pillow's bicubic); JPEG is decoded with OpenCV and
 * preprocessed the same way. One thread; the first pass over the footage is warm-up and not counted.
 */
public final class CodecMeasurement {
    /** Pictures of footage per size: two GOPs of 25. */
    static final int PICTURES = 50;
    static final int GOP = 25;

    /** One codec at one size: bytes per keyframe and per other access unit, and decode + preprocess per frame. */
    public record Row(String codec, int width, int height, double keyframeBytes, double otherBytes, double meanBytes,
                      double keyframeMs, double otherMs, double meanMs, double decodeMs) {
    }

    private CodecMeasurement() {
    }

    /** {@code bench codecs}: every size of {@link PreprocessMeasurement#SIZES}, the footage decoded {@code passes} times. */
    public static BenchReport report(int passes, PrintWriter log) throws IOException, InterruptedException {
        boolean ffmpeg = debianFfmpeg();
        ProgressBar progress = new ProgressBar(log, "bench codecs", PreprocessMeasurement.SIZES.size());
        List<Row> rows = new ArrayList<>();
        for (int[] size : PreprocessMeasurement.SIZES) {
            rows.addAll(measure(size[0], size[1], passes, ffmpeg));
            progress.step(size[0] + "x" + size[1]);
        }
        progress.finish();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "per frame, one thread, %d pictures of moving synthetic scene (GOP %d, 25 fps), "
                + "decoded %d times after a warm-up pass; CPU %s%n", PICTURES, GOP, passes, CpuFeatures.modelName()));
        if (!ffmpeg) {
            text.append("libx264 and libx265 rows need Debian's ffmpeg (apt-get install ffmpeg): not installed, left out\n");
        }
        text.append(String.format(Locale.ROOT, "%-10s %-22s %8s %8s %8s %8s %18s %16s %10s%n", "frame", "codec", "key KB",
                "other KB", "mean KB", "vs JPEG", "decode+prep ms", "key / other ms", "decode ms"));
        for (Row r : rows) {
            Row jpeg = rows.stream().filter(j -> j.width() == r.width() && j.codec().startsWith("JPEG")).findFirst().orElseThrow();
            text.append(String.format(Locale.ROOT, "%-10s %-22s %8.1f %8.1f %8.1f %7.1fx %11.2f (%4.2f) %7.2f / %6.2f %10.2f%n",
                    r.width() + "x" + r.height(), r.codec(), r.keyframeBytes() / 1024, r.otherBytes() / 1024,
                    r.meanBytes() / 1024, jpeg.meanBytes() / r.meanBytes(), r.meanMs(), r.meanMs() / jpeg.meanMs(),
                    r.keyframeMs(), r.otherMs(), r.decodeMs()));
        }
        text.append("vs JPEG: JPEG's bytes per frame over the codec's; (n): decode + preprocess time over JPEG's; decode ms: "
                + "decoding to BGR alone (the rest is preprocessing, the same for every codec)\n");
        ObjectNode json = Machine.report("codecs");
        json.put("passes", passes);
        json.putPOJO("rows", rows);
        return new BenchReport.Finished(text.toString(), json, true);
    }

    static List<Row> measure(int width, int height, int passes, boolean ffmpeg) throws IOException, InterruptedException {
        List<byte[]> bgr = new ArrayList<>();
        List<byte[]> jpeg = new ArrayList<>();
        List<VideoEncoder.Encoded> openh264 = new ArrayList<>();
        ImageEncoder jpegEncoder = new ImageEncoder(Codec.JPEG, 85);
        long bitRate = SyntheticCameras.h264BitRate(width, height);
        try (SyntheticScene scene = new SyntheticScene(width, height, 0, "bench", PICTURES);
             VideoEncoder encoder = new VideoEncoder(width, height, 25, GOP, bitRate)) {
            Mat image;
            while ((image = scene.next()) != null) {
                byte[] pixels = new byte[width * height * 3];
                new BytePointer(image.data()).get(pixels);
                bgr.add(pixels);
                jpeg.add(jpegEncoder.encode(image));
                openh264.add(encoder.encode(image));
            }
        }
        List<Footage> footage = new ArrayList<>();
        footage.add(new Footage("JPEG q85", null, width, height, jpeg));
        footage.add(new Footage(String.format(Locale.ROOT, "H.264 OpenH264 %.1f Mb/s", bitRate / 1e6), Codec.H264, width, height,
                openh264.stream().map(VideoEncoder.Encoded::annexB).toList()));
        if (ffmpeg) {
            footage.add(new Footage("H.264 libx264 crf 23", Codec.H264, width, height, debianEncode(bgr, width, height, Codec.H264)));
            footage.add(new Footage("H.265 libx265 crf 28", Codec.H265, width, height, debianEncode(bgr, width, height, Codec.H265)));
        }
        // the codecs take turns, pass after pass, so that the machine's changing speed (it is shared) falls on all alike
        for (int pass = -1; pass < passes; pass++) {
            for (Footage f : footage) {
                f.pass(pass >= 0);
            }
        }
        return footage.stream().map(f -> f.row(passes)).toList();
    }

    /** One codec's access units (or JPEG frames) of the footage, and the time each took to decode and preprocess. */
    private static final class Footage {
        private final String name;
        private final Codec codec;
        private final int width;
        private final int height;
        private final List<byte[]> units;
        private final double[] ms;
        private final double[] decodeMs;
        private final ImageDecoder jpeg = new ImageDecoder(100_000_000L);
        private final Preprocessor preprocessor = preprocessor();
        private final FloatBuffer out = input();

        /** @param codec null for JPEG */
        Footage(String name, Codec codec, int width, int height, List<byte[]> units) {
            this.name = name;
            this.codec = codec;
            this.width = width;
            this.height = height;
            this.units = units;
            this.ms = new double[units.size()];
            this.decodeMs = new double[units.size()];
        }

        /** Decodes and preprocesses every frame once, as a camera's frames are taken (video: one session, in order). */
        void pass(boolean count) {
            try (VideoSession session = codec == null ? null : new VideoSession(codec, 100_000_000L)) {
                for (int i = 0; i < units.size(); i++) {
                    long t0 = System.nanoTime();
                    DecodedImage image;
                    if (session == null) {
                        image = jpeg.decode(Codec.JPEG, ByteBuffer.wrap(units.get(i)), width, height);
                    } else {
                        VideoSession.Step step = session.take(i, ByteBuffer.wrap(units.get(i)), true);
                        if (!step.hasPicture()) {
                            throw new IllegalStateException(name + " access unit " + i + " gave no picture: " + step.reason());
                        }
                        image = step.image();
                    }
                    long t1 = System.nanoTime();
                    try (image) {
                        preprocessor.preprocess(image, out);
                    }
                    if (count) {
                        decodeMs[i] += (t1 - t0) / 1e6;
                        ms[i] += (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        }

        Row row(int passes) {
            double keyBytes = 0;
            double otherBytes = 0;
            double keyMs = 0;
            double otherMs = 0;
            int keys = 0;
            for (int i = 0; i < units.size(); i++) {
                if (codec == null || i % GOP == 0) {
                    keyBytes += units.get(i).length;
                    keyMs += ms[i] / passes;
                    keys++;
                } else {
                    otherBytes += units.get(i).length;
                    otherMs += ms[i] / passes;
                }
            }
            int others = units.size() - keys;
            double meanBytes = units.stream().mapToInt(u -> u.length).average().orElse(0);
            return new Row(name, width, height, keyBytes / keys, others == 0 ? keyBytes / keys : otherBytes / others, meanBytes,
                    keyMs / keys, others == 0 ? keyMs / keys : otherMs / others, mean(ms) / passes, mean(decodeMs) / passes);
        }
    }

    /** The same pictures encoded by Debian's ffmpeg (libx264 or libx265, CRF), as a raw Annex-B stream, split into access units. */
    private static List<byte[]> debianEncode(List<byte[]> bgr, int width, int height, Codec codec)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("framewise-bench-", codec == Codec.H264 ? ".h264" : ".hevc");
        try {
            List<String> command = new ArrayList<>(List.of("ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt",
                    "bgr24", "-s", width + "x" + height, "-r", "25", "-i", "-", "-pix_fmt", "yuv420p"));
            if (codec == Codec.H264) {
                command.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", Integer.toString(GOP),
                        "-x264-params", "bframes=0:scenecut=0:repeat-headers=1", "-f", "h264"));
            } else {
                command.addAll(List.of("-c:v", "libx265", "-preset", "veryfast", "-crf", "28", "-x265-params",
                        "bframes=0:keyint=" + GOP + ":min-keyint=" + GOP + ":scenecut=0:repeat-headers=1:log-level=error", "-f", "hevc"));
            }
            command.add(out.toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                for (byte[] frame : bgr) {
                    in.write(frame);
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("Debian's ffmpeg could not encode the footage as " + codec);
            }
            List<byte[]> units = new ArrayList<>();
            try (AccessUnitSource source = new AccessUnitSource(out.toString(), Map.of())) {
                AccessUnitSource.Unit u;
                while ((u = source.next()) != null) {
                    units.add(u.annexB());
                }
            }
            return units;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Whether Debian's ffmpeg (with libx264 and libx265) is on the PATH. */
    static boolean debianFfmpeg() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-encoders").redirectErrorStream(true).start();
            String encoders = new String(p.getInputStream().readAllBytes());
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && encoders.contains("libx264")
                    && encoders.contains("libx265");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Preprocessor preprocessor() {
        return new Preprocessor(new PreprocessSpec(224, 224, PreprocessSpec.Resize.SHORT_SIDE_CENTER_CROP, 0.875,
                PreprocessSpec.Interpolation.BICUBIC, PreprocessSpec.ChannelOrder.RGB, PreprocessSpec.IMAGENET_MEAN,
                PreprocessSpec.IMAGENET_STD));
    }

    private static FloatBuffer input() {
        return ByteBuffer.allocateDirect(4 * 224 * 224 * 3).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
