package io.framewise.app.pipeline;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

import io.framewise.decoder.DecodedImage;
import io.framewise.decoder.ImageDecoder;
import io.framewise.decoder.Preprocessor;
import io.framewise.inference.FrameClassifier;
import io.framewise.inference.ModelMetadata;
import io.framewise.inference.Prediction;
import io.framewise.schema.Frame;

/**
 * Decode, preprocess and classify one frame, timing each stage. Shared by all stream threads: the classifier is
 * thread-safe and each thread preprocesses into its own reusable input buffer, so no pixel buffer is allocated per
 * frame on the Java heap.
 */
public final class FrameAnalyzer {
    private final FrameClassifier classifier;
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final int topK;
    private final ThreadLocal<FloatBuffer> inputBuffer;

    public FrameAnalyzer(FrameClassifier classifier, long maxPixels, int topK) {
        this.classifier = classifier;
        this.decoder = new ImageDecoder(maxPixels);
        this.preprocessor = new Preprocessor(classifier.preprocessSpec());
        this.topK = topK;
        int floats = classifier.preprocessSpec().floatsPerImage();
        this.inputBuffer = ThreadLocal.withInitial(
                () -> ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer());
    }

    public ModelMetadata model() {
        return classifier.metadata();
    }

    public Analysis analyze(Frame frame) {
        FloatBuffer input = inputBuffer.get();
        long t0 = System.nanoTime();
        long t1;
        int width;
        int height;
        try (DecodedImage image = decoder.decode(frame.getCodec(), frame.getPayload(), frame.getWidth(), frame.getHeight())) {
            t1 = System.nanoTime();
            width = image.width();
            height = image.height();
            preprocessor.preprocess(image, input.clear());
        }
        long t2 = System.nanoTime();
        List<Prediction> top = classifier.classify(input, 1, topK).get(0);
        long t3 = System.nanoTime();
        return new Analysis(top, t1 - t0, t2 - t1, t3 - t2, width, height);
    }
}
