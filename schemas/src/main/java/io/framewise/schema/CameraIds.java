package io.framewise.schema;

import java.util.Locale;

/**
 * What a camera id may be: the key of a camera's frames and the name in every event, metric label, log line and
 * table. At most {@value #MAX_LENGTH} characters, none of them a control or formatting character (a newline forged
 * log lines; ANSI escapes cleared a terminal; a 20 KB id was kept per camera). Any script is fine.
 */
public final class CameraIds {
    public static final int MAX_LENGTH = 256;

    private CameraIds() {
    }

    /** Why {@code id} is not a usable camera id, or null when it is. */
    public static String problem(String id) {
        if (id == null || id.isBlank()) {
            return "is empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "is " + id.length() + " characters long (at most " + MAX_LENGTH + ")";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (controlOrFormat(c)) {
                return "holds the control or formatting character U+" + String.format(Locale.ROOT, "%04X", (int) c)
                        + " at " + i;
            }
        }
        return null;
    }

    /**
     * A character that drives a terminal or a log rather than being shown: C0 and C1 controls, DEL, line and
     * paragraph separators, and formatting characters (bidirectional overrides and isolates, zero-width ones).
     */
    public static boolean controlOrFormat(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
