package io.framewise.app.cli;

import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A frame size given as WIDTHxHEIGHT on the command line ({@code --size 640x480}). */
record FrameSize(int width, int height) {

    /** Parses {@code --size}; picocli reports a bad value as a usage error naming the option. */
    static final class Converter implements ITypeConverter<FrameSize> {
        @Override
        public FrameSize convert(String value) {
            String[] parts = value.toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length == 2) {
                    int w = Integer.parseInt(parts[0].trim());
                    int h = Integer.parseInt(parts[1].trim());
                    if (w > 0 && h > 0) {
                        return new FrameSize(w, h);
                    }
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new TypeConversionException("invalid size '" + value + "': write it as WIDTHxHEIGHT, e.g. 640x480");
        }
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
