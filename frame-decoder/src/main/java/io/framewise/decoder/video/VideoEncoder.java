package io.framewise.decoder.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.framewise.schema.Codec;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A synthetic camera's H.264 encoder, for the demo, the benchmarks and the tests: BGR pictures in, one Annex-B access
 * unit out per picture, no B-frames, a keyframe (IDR with its SPS and PPS) every {@code gop} pictures. It is
 * OpenH264, the one software H.264 encoder of the project's FFmpeg build (it has no libx264 and no H.265 encoder;
 * H.265 test clips come from Debian's ffmpeg). Not thread-safe; close it.
 */
public final class VideoEncoder implements AutoCloseable {
    private final AVCodecContext context;
    private final AVFrame frame;
    private final AVPacket packet;
    private final SwsContext converter;
    private final PointerPointer<BytePointer> srcData = new PointerPointer<>(4);
    private final IntPointer srcLinesize = new IntPointer(4);
    private final int gop;
    private final int width;
    private final int height;
    private long index;

    static {
        // OpenH264 reports its rate-control and profile choices as warnings on every encoder it opens
        av_log_set_level(AV_LOG_ERROR);
    }

    /** An encoded picture: Annex-B bytes and whether it is a keyframe. */
    public record Encoded(byte[] annexB, boolean keyframe) {
    }

    public VideoEncoder(int width, int height, double fps, int gop, long bitRate) {
        AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg build has no libopenh264 encoder");
        }
        this.width = width;
        this.height = height;
        this.gop = gop;
        AVCodecContext c = avcodec_alloc_context3(codec);
        c.width(width);
        c.height(height);
        c.pix_fmt(AV_PIX_FMT_YUV420P);
        c.time_base(new AVRational().num(1).den((int) Math.round(fps)));
        c.framerate(new AVRational().num((int) Math.round(fps)).den(1));
        c.gop_size(gop);
        c.max_b_frames(0);
        c.bit_rate(bitRate);
        c.thread_count(1);
        int ret = avcodec_open2(c, codec, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(c);
            throw new IllegalStateException("cannot open libopenh264: " + VideoDecoder.error(ret));
        }
        this.context = c;
        // allocated once the encoder is open: a constructor that throws above leaves nothing behind
        this.packet = av_packet_alloc();
        this.frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P);
        frame.width(width);
        frame.height(height);
        av_frame_get_buffer(frame, 0);
        this.converter = sws_getContext(width, height, AV_PIX_FMT_BGR24, width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR,
                null, null, (DoublePointer) null);
    }

    public Codec codec() {
        return Codec.H264;
    }

    /** Encodes the next picture (the size the encoder was made for) into its access unit. */
    public Encoded encode(Mat bgr) {
        if (bgr.cols() != width || bgr.rows() != height) {
            throw new IllegalArgumentException("picture is " + bgr.cols() + "x" + bgr.rows() + ", encoder " + width + "x" + height);
        }
        av_frame_make_writable(frame);
        srcData.put(0, bgr.data());
        srcLinesize.put(0, (int) bgr.step());
        sws_scale(converter, srcData, srcLinesize, 0, height, frame.data(), frame.linesize());
        boolean key = index % gop == 0;
        frame.pts(index++);
        frame.pict_type(key ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        int ret = avcodec_send_frame(context, frame);
        if (ret < 0) {
            throw new IllegalStateException("H.264 encoding failed: " + VideoDecoder.error(ret));
        }
        av_packet_unref(packet);
        ret = avcodec_receive_packet(context, packet);
        if (ret == AVERROR_EAGAIN() || ret < 0) {
            throw new IllegalStateException("H.264 encoder gave no access unit for its picture: " + VideoDecoder.error(ret));
        }
        byte[] bytes = new byte[packet.size()];
        packet.data().get(bytes);
        return new Encoded(bytes, (packet.flags() & 1) != 0);
    }

    @Override
    public void close() {
        av_frame_free(frame);
        av_packet_free(packet);
        avcodec_free_context(context);
        sws_freeContext(converter);
        srcData.close();
        srcLinesize.close();
    }
}
