package io.framewise.decoder.source;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** Anything FFmpeg opens: a video file, an RTSP/HTTP stream, or a V4L2 webcam ({@code /dev/video0}). */
public final class FFmpegSource implements ImageSource {
    private final String location;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final long maxFrames;
    private long produced;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /** @param maxFrames stop after this many images; negative for all */
    public FFmpegSource(String location, long maxFrames) throws FrameGrabber.Exception {
        this.location = location;
        this.maxFrames = maxFrames;
        this.grabber = new FFmpegFrameGrabber(location);
        if (location.startsWith("/dev/video")) {
            grabber.setFormat("video4linux2");
        }
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            grabber.close();
            throw new FrameGrabber.Exception("cannot open " + location + " with FFmpeg: " + e.getMessage(), e);
        }
    }

    @Override
    public Mat next() throws FrameGrabber.Exception {
        if (maxFrames >= 0 && produced >= maxFrames) {
            return null;
        }
        Frame frame = grabber.grabImage();
        if (frame == null) {
            return null;
        }
        produced++;
        return converter.convert(frame);
    }

    @Override
    public double frameRate() {
        return grabber.getFrameRate();
    }

    @Override
    public String describe() {
        return location + " (" + grabber.getImageWidth() + "x" + grabber.getImageHeight() + ", "
                + grabber.getFormat() + "/" + grabber.getVideoCodecName() + ")";
    }

    @Override
    public void close() throws FrameGrabber.Exception {
        try {
            grabber.stop();
        } finally {
            grabber.release();
            converter.close();
        }
    }
}
