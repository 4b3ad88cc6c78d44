package io.framewise.schema.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import io.framewise.schema.Classification;
import io.framewise.schema.Frame;
import org.apache.avro.Schema;

/** The serdes of Framewise's topics. Instances are stateless and thread-safe. */
public final class FramewiseSerdes {
    /**
     * Frame's schema versions before the current one, oldest first: publishers still write them (version 1 had no
     * H265 codec). Each is kept as released, under {@code io/framewise/schema/history/}; a change to Frame.avsc that
     * changes its fingerprint adds the version it replaces here.
     */
    static final List<String> FRAME_HISTORY = List.of("Frame-1.avsc");
    private static final AvroSingleObjectSerde<Frame> FRAME = new AvroSingleObjectSerde<>("Frame", Frame.getClassSchema(),
            Frame.getEncoder(), Frame.createDecoder(null), FRAME_HISTORY.stream().map(FramewiseSerdes::history).toList());
    private static final AvroSingleObjectSerde<Classification> CLASSIFICATION =
            new AvroSingleObjectSerde<>("Classification", Classification.getClassSchema(), Classification.getEncoder(),
                    Classification.getDecoder());

    private FramewiseSerdes() {
    }

    /** An earlier version of a schema, as it was released. */
    static Schema history(String file) {
        try (InputStream in = FramewiseSerdes.class.getResourceAsStream("/io/framewise/schema/history/" + file)) {
            if (in == null) {
                throw new IllegalStateException("schema history " + file + " is missing from the classpath");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AvroSingleObjectSerde<Frame> frame() {
        return FRAME;
    }

    public static AvroSingleObjectSerde<Classification> classification() {
        return CLASSIFICATION;
    }
}
