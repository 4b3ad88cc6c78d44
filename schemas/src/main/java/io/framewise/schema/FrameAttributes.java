package io.framewise.schema;

import java.util.Map;

/**
 * What a frame's free-form attributes may be: at most {@value #MAX_COUNT} of them, names of at most
 * {@value #MAX_NAME_LENGTH} and values of at most {@value #MAX_VALUE_LENGTH} characters. They are per-camera
 * settings (a budget, a sampling rate) and labels, read on every frame; anything larger is not a use of them.
 */
public final class FrameAttributes {
    public static final int MAX_COUNT = 64;
    public static final int MAX_NAME_LENGTH = 256;
    public static final int MAX_VALUE_LENGTH = 1_024;

    private FrameAttributes() {
    }

    /** Why {@code attributes} are not usable, or null when they are. */
    public static String problem(Map<String, String> attributes) {
        if (attributes == null) {
            return null;
        }
        if (attributes.size() > MAX_COUNT) {
            return attributes.size() + " attributes (at most " + MAX_COUNT + ")";
        }
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (a.getKey().length() > MAX_NAME_LENGTH) {
                return "an attribute name of " + a.getKey().length() + " characters (at most " + MAX_NAME_LENGTH + ")";
            }
            if (a.getValue() != null && a.getValue().length() > MAX_VALUE_LENGTH) {
                return "an attribute value of " + a.getValue().length() + " characters (at most " + MAX_VALUE_LENGTH + ")";
            }
        }
        return null;
    }
}
