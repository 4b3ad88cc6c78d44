package io.framewise.schema.serde;

import io.framewise.schema.Classification;
import io.framewise.schema.Frame;

/** The serdes of Framewise's topics. Instances are stateless and thread-safe. */
public final class FramewiseSerdes {
    private static final AvroSingleObjectSerde<Frame> FRAME =
            new AvroSingleObjectSerde<>("Frame", Frame.getClassSchema(), Frame.getEncoder(), Frame.getDecoder());
    private static final AvroSingleObjectSerde<Classification> CLASSIFICATION =
            new AvroSingleObjectSerde<>("Classification", Classification.getClassSchema(), Classification.getEncoder(),
                    Classification.getDecoder());

    private FramewiseSerdes() {
    }

    public static AvroSingleObjectSerde<Frame> frame() {
        return FRAME;
    }

    public static AvroSingleObjectSerde<Classification> classification() {
        return CLASSIFICATION;
    }
}
