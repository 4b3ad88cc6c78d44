package io.framewise.decoder.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_EF_EXPLODE;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_move_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.FrameDecodeException;
import io.framewise.decoder.FrameDecodeException.Reason;
import io.framewise.decoder.ImageDecoder;
import io.framewise.schema.Codec;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One FFmpeg decoder of one camera's H.264 or H.265 stream: access units in, in decode order, one at a time;
 * pictures out. Single-threaded and low-delay, so that each access unit's picture comes out of the call that sent
 * it (frame threads would hold pictures back, and reorder buffers would make the caller wait for later access
 * units); FFmpeg's software decoders by name, never a hardware wrapper a machine may lack.
 *
 * <p>Not thread-safe. Holds native memory (the decoder's reference pictures: 2-9 MB at 720p-1080p) until
 * {@link #close()}.
 */
public final class VideoDecoder implements AutoCloseable {
    /** libavutil/frame.h's AV_FRAME_FLAG_CORRUPT, which the presets do not map. */
    private static final int AV_FRAME_FLAG_CORRUPT = 1;
    private final Codec codec;
    private final AVCodecContext context;
    private final AVPacket packet;
    /** The picture {@link #decode} returned; {@code received} is what each receive call fills (and first clears). */
    private final AVFrame picture;
    private final AVFrame received;
    private final PointerPointer<BytePointer> bgrData = new PointerPointer<>(4);
    private final IntPointer bgrLinesize = new IntPointer(4);
    private SwsContext converter;
    private boolean closed;
    private boolean draining;

    /** @param maxPixels the largest picture the decoder may allocate ({@code framewise.decode.max.pixels}) */
    public VideoDecoder(Codec codec, long maxPixels) {
        this.codec = codec;
        String name = switch (codec) {
            case H264 -> "h264";
            case H265 -> "hevc";
            default -> throw new IllegalArgumentException("not a video codec: " + codec);
        };
        AVCodec decoder = avcodec_find_decoder_by_name(name);
        if (decoder == null) {
            throw new FrameDecodeException(Reason.UNSUPPORTED, "this FFmpeg build has no " + name + " decoder");
        }
        AVCodecContext c = avcodec_alloc_context3(decoder);
        c.thread_count(1);
        c.flags(c.flags() | AV_CODEC_FLAG_LOW_DELAY);
        c.max_pixels(maxPixels);
        // a damaged access unit is an error, not a picture FFmpeg has concealed (and that would be classified)
        c.err_recognition(c.err_recognition() | AV_EF_EXPLODE);
        int ret = avcodec_open2(c, decoder, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(c);
            throw new FrameDecodeException(Reason.UNSUPPORTED, "cannot open the " + name + " decoder: " + error(ret));
        }
        this.context = c;
        this.packet = av_packet_alloc();
        this.picture = av_frame_alloc();
        this.received = av_frame_alloc();
    }

    public Codec codec() {
        return codec;
    }

    /**
     * Decodes one access unit. Returns its picture, valid until the next call, or {@code null} when the decoder
     * gave none (it lacks the references, or holds the picture back).
     *
     * @param pts carried through to the picture, to tell which access unit a picture belongs to
     * @throws FrameDecodeException when FFmpeg refuses the access unit or marks its picture corrupt
     */
    public AVFrame decode(ByteBuffer accessUnit, long pts) {
        if (closed) {
            throw new IllegalStateException("decoder closed");
        }
        int size = accessUnit.remaining();
        av_packet_unref(packet);
        if (av_new_packet(packet, size) < 0) {
            throw new FrameDecodeException(Reason.TOO_LARGE, "cannot allocate a packet of " + size + " bytes");
        }
        ImageDecoder.copy(accessUnit, packet.data());
        packet.pts(pts);
        packet.dts(pts);
        int ret = avcodec_send_packet(context, packet);
        av_packet_unref(packet);
        if (ret < 0 && ret != AVERROR_EAGAIN()) {
            throw new FrameDecodeException(Reason.CORRUPT, codec + " decoder refused the access unit (" + size + " bytes): "
                    + error(ret));
        }
        av_frame_unref(picture);
        boolean got = false;
        while (true) {
            int r = avcodec_receive_frame(context, received);
            if (r == AVERROR_EAGAIN() || r == AVERROR_EOF) {
                break;
            }
            if (r < 0) {
                throw new FrameDecodeException(Reason.CORRUPT, codec + " decoder failed on the access unit: " + error(r));
            }
            // low delay: one picture per access unit; were there more, the last is this one's
            av_frame_unref(picture);
            av_frame_move_ref(picture, received);
            got = true;
        }
        if (!got) {
            return null;
        }
        if ((picture.flags() & AV_FRAME_FLAG_CORRUPT) != 0 || picture.decode_error_flags() != 0) {
            throw new FrameDecodeException(Reason.CORRUPT, codec + " picture decoded with errors (concealed by FFmpeg)");
        }
        return picture;
    }

    /**
     * The pictures a decoder of a stream with B-frames still holds back after its last access unit, one per call, or
     * {@code null} when there are none left. No access unit may be sent after it.
     */
    public AVFrame drain() {
        if (!draining) {
            draining = true;
            avcodec_send_packet(context, (AVPacket) null);
        }
        av_frame_unref(picture);
        int r = avcodec_receive_frame(context, picture);
        return r < 0 ? null : picture;
    }

    /**
     * The picture {@link #decode} returned, as 8-bit BGR in a new image the caller owns and closes. The colour
     * conversion is swscale's, in the picture's own colour range.
     */
    public DecodedImage toBgr(AVFrame picture) {
        int w = picture.width();
        int h = picture.height();
        converter = sws_getCachedContext(converter, w, h, picture.format(), w, h, AV_PIX_FMT_BGR24, SWS_BILINEAR,
                null, null, (DoublePointer) null);
        if (converter == null) {
            throw new FrameDecodeException(Reason.UNSUPPORTED, "no conversion from pixel format " + picture.format() + " to BGR");
        }
        Mat bgr = new Mat(h, w, CV_8UC3);
        bgrData.put(0, bgr.data());
        bgrLinesize.put(0, (int) bgr.step());
        sws_scale(converter, picture.data(), picture.linesize(), 0, h, bgrData, bgrLinesize);
        return new DecodedImage(bgr, codec.name(), codec, codec);
    }

    /** FFmpeg's message for an error code. */
    public static String error(int code) {
        try (BytePointer message = new BytePointer(256)) {
            av_strerror(code, message, 256);
            String text = message.getString(StandardCharsets.UTF_8);
            int nul = text.indexOf('\0');
            return (nul < 0 ? text : text.substring(0, nul)) + " (" + code + ")";
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        av_frame_free(picture);
        av_frame_free(received);
        av_packet_free(packet);
        avcodec_free_context(context);
        if (converter != null) {
            sws_freeContext(converter);
        }
        bgrData.close();
        bgrLinesize.close();
    }
}
