package io.framewise.decoder.video;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.framewise.decoder.source.AccessUnitSource;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** The committed test clips (made by {@code src/test/resources/video/make-clips.sh}) and their independent decodes. */
public final class Clips {
    private Clips() {
    }

    /** The clip as a file FFmpeg can open: where it is, or a temporary copy when it is inside a jar. */
    public static Path path(String clip) {
        URL url = Clips.class.getResource("/video/" + clip);
        if (url == null) {
            throw new IllegalArgumentException("no test clip " + clip);
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            Path copy = Files.createTempFile("framewise-clip-", "-" + clip);
            copy.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every access unit of a clip, in decode order, as the publisher reads them. */
    public static List<AccessUnitSource.Unit> units(String clip) {
        try (AccessUnitSource source = new AccessUnitSource(path(clip).toString(), Map.of())) {
            List<AccessUnitSource.Unit> units = new ArrayList<>();
            AccessUnitSource.Unit u;
            while ((u = source.next()) != null) {
                units.add(u);
            }
            return units;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The MD5 of a yuv420p picture's planes, packed, as FFmpeg's framemd5 computes it. */
    public static String md5(AVFrame picture) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (int plane = 0; plane < 3; plane++) {
                int pw = plane == 0 ? picture.width() : (picture.width() + 1) / 2;
                int ph = plane == 0 ? picture.height() : (picture.height() + 1) / 2;
                byte[] row = new byte[pw];
                for (int y = 0; y < ph; y++) {
                    picture.data(plane).position((long) y * picture.linesize(plane)).get(row);
                    md5.update(row);
                }
                picture.data(plane).position(0);
            }
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The MD5 of each picture Debian's ffmpeg decoded from the clip, in display order ({@code -f framemd5}). */
    public static List<String> referenceMd5s(String clip) {
        try {
            return Files.readAllLines(path(clip + ".framemd5")).stream().filter(l -> !l.startsWith("#"))
                    .map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
