package io.framewise.decoder.source;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_get_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_init;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_send_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_guess_frame_rate;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import io.framewise.decoder.video.AccessUnit;
import io.framewise.decoder.video.VideoDecoder;
import io.framewise.schema.Codec;
import org.bytedeco.ffmpeg.avcodec.AVBSFContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The access units of an H.264 or H.265 video stream, copied as they are (never decoded or re-encoded), in decode
 * order and in Annex-B form: a file (MP4, MKV, MOV, TS, raw {@code .h264}/{@code .h265}) or a live stream (RTSP).
 *
 * <p>Length-prefixed streams (MP4/MKV/MOV, recognised by their extradata: an {@code avcC}/{@code hvcC} record starts
 * with version 1, where Annex-B extradata starts with a start code) go through FFmpeg's {@code *_mp4toannexb}
 * bitstream filter, which also puts the parameter sets before every keyframe. An Annex-B stream whose keyframes do not
 * carry their parameter sets in-band (an RTSP camera that gives them only in its session description) has them
 * prepended from the extradata, so that every keyframe record decodes on its own.
 *
 * <p>Not thread-safe. Close it to release FFmpeg's demuxer.
 */
public final class AccessUnitSource implements AutoCloseable {
    private final String location;
    private final AVFormatContext format;
    private final AVStream stream;
    private final int streamIndex;
    private final Codec codec;
    private final AVPacket packet = av_packet_alloc();
    private final AVPacket filtered = av_packet_alloc();
    private final AVBSFContext filter;
    /** Annex-B parameter sets from the extradata, prepended to keyframes that lack them; null when none. */
    private final byte[] parameterSets;
    private final double timeBase;
    private boolean filterDrained;

    /** One access unit: Annex-B bytes, what its headers say, and its presentation time on the stream's clock. */
    public record Unit(byte[] annexB, AccessUnit info, long ptsMicros) {
    }

    /**
     * Opens a file or stream.
     *
     * @param options FFmpeg demuxer options, e.g. {@code rtsp_transport=tcp}, {@code timeout} (µs)
     * @throws IOException when FFmpeg cannot open it, or its video is neither H.264 nor H.265 (the message says which
     *                     codec it is)
     */
    public AccessUnitSource(String location, Map<String, String> options) throws IOException {
        this.location = location;
        AVFormatContext fmt = new AVFormatContext(null);
        AVDictionary dict = new AVDictionary(null);
        for (Map.Entry<String, String> o : options.entrySet()) {
            av_dict_set(dict, o.getKey(), o.getValue(), 0);
        }
        int ret = avformat_open_input(fmt, location, null, dict);
        av_dict_free(dict);
        if (ret < 0) {
            close(packet, filtered);
            throw new IOException("cannot open " + location + ": " + error(ret));
        }
        this.format = fmt;
        try {
            ret = avformat_find_stream_info(fmt, (AVDictionary) null);
            if (ret < 0) {
                throw new IOException("cannot read the streams of " + location + ": " + error(ret));
            }
            int index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0);
            if (index < 0) {
                throw new IOException(location + " has no video stream");
            }
            this.streamIndex = index;
            this.stream = fmt.streams(index);
            AVCodecParameters par = stream.codecpar();
            this.codec = switch (par.codec_id()) {
                case AV_CODEC_ID_H264 -> Codec.H264;
                case AV_CODEC_ID_HEVC -> Codec.H265;
                default -> throw new IOException(location + "'s video is " + avcodec_get_name(par.codec_id()).getString()
                        + ", not H.264 or H.265: it cannot be passed through (publish it re-encoded as JPEG instead)");
            };
            this.timeBase = av_q2d(stream.time_base());
            byte[] extradata = new byte[Math.max(0, par.extradata_size())];
            if (extradata.length > 0) {
                par.extradata().get(extradata);
            }
            boolean lengthPrefixed = extradata.length > 0 && extradata[0] == 1;
            if (lengthPrefixed) {
                this.filter = openFilter(codec == Codec.H264 ? "h264_mp4toannexb" : "hevc_mp4toannexb", par, stream.time_base());
                this.parameterSets = null; // the filter inserts them before keyframes
            } else {
                this.filter = null;
                this.parameterSets = extradata.length > 0 ? extradata : null;
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static AVBSFContext openFilter(String name, AVCodecParameters par, AVRational timeBase) throws IOException {
        AVBSFContext bsf = new AVBSFContext(null);
        int ret = av_bsf_alloc(av_bsf_get_by_name(name), bsf);
        if (ret < 0) {
            throw new IOException("cannot create the " + name + " bitstream filter: " + error(ret));
        }
        avcodec_parameters_copy(bsf.par_in(), par);
        bsf.time_base_in(timeBase);
        ret = av_bsf_init(bsf);
        if (ret < 0) {
            av_bsf_free(bsf);
            throw new IOException("cannot start the " + name + " bitstream filter: " + error(ret));
        }
        return bsf;
    }

    public Codec codec() {
        return codec;
    }

    public int width() {
        return stream.codecpar().width();
    }

    public int height() {
        return stream.codecpar().height();
    }

    /** The stream's frame rate as FFmpeg guesses it, or 0. */
    public double frameRate() {
        AVRational r = av_guess_frame_rate(format, stream, null);
        return r.den() == 0 ? 0 : av_q2d(r);
    }

    /**
     * True when the stream reorders pictures (B-frames): its pictures are decoded out of display order, and come out
     * of Framewise's decoder in decode order.
     */
    public boolean reorders() {
        return stream.codecpar().video_delay() > 0;
    }

    /**
     * Wall-clock time (µs since the epoch) of presentation time 0, from the sender's clock where the protocol gives it
     * (RTSP: RTCP sender reports), else {@code -1}.
     */
    public long senderEpochMicros() {
        long t = format.start_time_realtime();
        return t == AV_NOPTS_VALUE || t <= 0 ? -1 : t;
    }

    public String describe() {
        return location + " (" + width() + "x" + height() + ", " + format.iformat().name().getString() + "/" + codec
                + (filter != null ? ", length-prefixed: converted to Annex-B" : ", Annex-B") + ")";
    }

    /** The next access unit, or {@code null} at the end of the stream. */
    public Unit next() throws IOException {
        while (true) {
            if (filter != null) {
                Unit u = fromFilter();
                if (u != null) {
                    return u;
                }
                if (filterDrained) {
                    return null;
                }
            }
            av_packet_unref(packet);
            int ret = av_read_frame(format, packet);
            if (ret == AVERROR_EOF) {
                if (filter == null) {
                    return null;
                }
                av_bsf_send_packet(filter, null); // drain
                continue;
            }
            if (ret < 0) {
                throw new IOException("reading " + location + " failed: " + error(ret));
            }
            if (packet.stream_index() != streamIndex || packet.size() <= 0) {
                continue;
            }
            if (filter == null) {
                return unit(packet);
            }
            ret = av_bsf_send_packet(filter, packet);
            if (ret < 0) {
                throw new IOException(codec + " access unit of " + location + " could not be converted to Annex-B: " + error(ret));
            }
        }
    }

    private Unit fromFilter() throws IOException {
        av_packet_unref(filtered);
        int ret = av_bsf_receive_packet(filter, filtered);
        if (ret == AVERROR_EAGAIN()) {
            return null;
        }
        if (ret == AVERROR_EOF) {
            filterDrained = true;
            return null;
        }
        if (ret < 0) {
            throw new IOException(codec + " access unit of " + location + " could not be converted to Annex-B: " + error(ret));
        }
        return unit(filtered);
    }

    private Unit unit(AVPacket p) {
        byte[] bytes = new byte[p.size()];
        p.data().get(bytes);
        AccessUnit info = AccessUnit.parse(codec, ByteBuffer.wrap(bytes));
        if (info.keyframe() && parameterSets != null && info.width() == 0) {
            byte[] joined = new byte[parameterSets.length + bytes.length];
            System.arraycopy(parameterSets, 0, joined, 0, parameterSets.length);
            System.arraycopy(bytes, 0, joined, parameterSets.length, bytes.length);
            bytes = joined;
            info = AccessUnit.parse(codec, ByteBuffer.wrap(bytes));
        }
        long pts = p.pts() != AV_NOPTS_VALUE ? p.pts() : p.dts();
        long ptsMicros = pts == AV_NOPTS_VALUE ? -1 : Math.round((pts - Math.max(0, startPts())) * timeBase * 1e6);
        return new Unit(bytes, info, ptsMicros);
    }

    private long startPts() {
        long s = stream.start_time();
        return s == AV_NOPTS_VALUE ? 0 : s;
    }

    private static String error(int code) {
        return VideoDecoder.error(code);
    }

    private static void close(AVPacket... packets) {
        for (AVPacket p : packets) {
            av_packet_free(p);
        }
    }

    @Override
    public void close() {
        if (filter != null) {
            av_bsf_free(filter);
        }
        close(packet, filtered);
        if (format != null) {
            avformat_close_input(format);
        }
    }
}
