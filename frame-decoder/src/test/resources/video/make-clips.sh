#!/usr/bin/env bash
# Makes the video test clips in this folder, and each one's independent decode (FFmpeg's framemd5: the MD5 of every
# decoded picture's raw YUV, in display order), with Debian's ffmpeg (apt-get install ffmpeg): libx264 and libx265,
# which the project's own FFmpeg build does not have. Camera-like content (FFmpeg's testsrc2: moving shapes and a
# counter), 320x240 at 25 fps, 2 s, a keyframe every 12 pictures. Run it again only to change the clips; the tests
# read the committed files and never run ffmpeg.
#   h264-baseline.mp4  H.264, no B-frames, MP4 (length-prefixed: decoded through h264_mp4toannexb)
#   h264-bframes.mp4   H.264 with 2 B-frames between references (pictures leave the decoder out of decode order)
#   h264.ts            H.264, no B-frames, MPEG-TS (Annex-B already; parameter sets repeated in-band)
#   h265.mp4           H.265, no B-frames, MP4 (length-prefixed: hevc_mp4toannexb)
set -euo pipefail
cd "$(dirname "$0")"
src=(-f lavfi -i "testsrc2=size=320x240:rate=25:duration=2" -pix_fmt yuv420p -an -map_metadata -1 -fflags +bitexact)
x264=(-c:v libx264 -preset veryfast -g 12 -keyint_min 12 -sc_threshold 0 -x264-params "bframes=0" -flags +bitexact)
ffmpeg -y -loglevel error "${src[@]}" "${x264[@]}" h264-baseline.mp4
ffmpeg -y -loglevel error "${src[@]}" -c:v libx264 -preset veryfast -g 12 -keyint_min 12 -sc_threshold 0 \
  -x264-params "bframes=2:b-adapt=0:b-pyramid=none" -flags +bitexact h264-bframes.mp4
ffmpeg -y -loglevel error "${src[@]}" "${x264[@]}" -f mpegts h264.ts
ffmpeg -y -loglevel error "${src[@]}" -c:v libx265 -preset veryfast -tag:v hvc1 \
  -x265-params "keyint=12:min-keyint=12:scenecut=0:bframes=0:log-level=error" h265.mp4
for clip in h264-baseline.mp4 h264-bframes.mp4 h264.ts h265.mp4; do
  ffmpeg -y -loglevel error -flags +bitexact -i "$clip" -map 0:v -f framemd5 "$clip.framemd5"
done
ls -l
