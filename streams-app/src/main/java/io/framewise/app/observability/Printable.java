package io.framewise.app.observability;

import java.util.Locale;

import io.framewise.schema.CameraIds;

/**
 * Text a publisher controls (camera ids, keys, attribute values, messages built from them), made safe for a log line
 * or a terminal: the characters a camera id may not hold ({@link CameraIds#controlOrFormat}: controls, line and
 * paragraph separators, bidirectional overrides and other formatting characters) are written as escapes
 * ({@code \n}, {@code \u001b}, ...), so that an id cannot forge a log line or clear a screen, and long text is cut
 * with its length said. Everything else, non-Latin scripts included, passes unchanged.
 */
public final class Printable {
    /** How much of a publisher's text a log line or a table shows. */
    public static final int MAX_CHARS = 128;

    private Printable() {
    }

    /** {@code text} escaped and cut to {@link #MAX_CHARS}; "null" for null. */
    public static String of(String text) {
        return of(text, MAX_CHARS);
    }

    /** {@code text} escaped and cut to {@code maxChars} characters of the original. */
    public static String of(String text, int maxChars) {
        if (text == null) {
            return "null";
        }
        int shown = Math.min(text.length(), maxChars);
        StringBuilder out = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (CameraIds.controlOrFormat(c)) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (shown < text.length()) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}
