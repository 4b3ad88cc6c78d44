package io.framewise.app.tools.client;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.framewise.decoder.ImageEncoder;
import io.framewise.decoder.source.ImageSource;
import io.framewise.schema.Codec;
import io.framewise.schema.Frame;
import io.framewise.schema.serde.FramewiseSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Publishes camera frames: reads images from a source, encodes them, and sends them as {@link Frame}s keyed by camera
 * id, with per-camera sequence numbers and the capture time. Thread-safe: one publisher serves many cameras.
 */
public final class FramePublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Clock clock;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile FrameLedger ledger;

    public FramePublisher(Map<String, Object> clientConfig, String topic, Clock clock) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"); // JPEG does not compress further
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(config);
        this.topic = topic;
        this.clock = clock;
    }

    /**
     * Fetches the topic's partitions now, before the first frame: otherwise the producer fetches them on the first
     * send, holding that frame (and, when paced, the frames queued behind it) for about a second after its capture.
     */
    public void connect() {
        producer.partitionsFor(topic);
    }

    /**
     * Sends one frame: the encoded image in its envelope, captured now (by this publisher's clock), keyed by camera.
     * The one place frames are built, for the cameras, the benchmarks and the tests. A width or height of 0 means
     * unknown (passed-through files).
     */
    public void sendFrame(String cameraId, long sequence, Codec codec, byte[] payload, int width, int height,
                          Map<String, String> attributes) {
        sendFrame(cameraId, sequence, codec, payload, width, height, true, clock.instant(), attributes);
    }

    /**
     * Sends one frame captured at {@code captured}; {@code keyframe} false for a video access unit that needs the
     * ones before it.
     */
    public void sendFrame(String cameraId, long sequence, Codec codec, byte[] payload, int width, int height, boolean keyframe,
                          Instant captured, Map<String, String> attributes) {
        Frame frame = Frame.newBuilder().setCameraId(cameraId).setSequence(sequence)
                .setCaptureTimestamp(captured).setCodec(codec).setWidth(width).setHeight(height).setKeyframe(keyframe)
                .setPayload(ByteBuffer.wrap(payload)).setAttributes(attributes).build();
        send(cameraId, sequence, FramewiseSerdes.frame().encode(frame));
    }

    /** Now, by this publisher's clock. */
    public Instant now() {
        return clock.instant();
    }

    /** Progress of one camera's publishing, called after each frame is handed to the producer. */
    public interface Progress {
        void framePublished(String cameraId, long sequence, int bytes);
    }

    /**
     * Publishes every image of {@code source} as camera {@code cameraId}.
     *
     * @param fps            frames per second to pace at (real time); 0 or less for as fast as possible
     * @param startSequence  sequence number of the first frame
     * @param attributes     attributes stamped on every frame
     * @return how many frames were handed to the producer
     */
    public long publish(String cameraId, ImageSource source, ImageEncoder encoder, double fps, long startSequence,
                        Map<String, String> attributes, Progress progress) throws Exception {
        long sequence = startSequence;
        CameraPace pace = new CameraPace(fps);
        long sent = 0;
        Mat image;
        while ((image = source.next()) != null) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            pace.awaitFrame(sent);
            byte[] payload = encoder.encode(image);
            sendFrame(cameraId, sequence, encoder.codec(), payload, image.cols(), image.rows(), attributes);
            if (progress != null) {
                progress.framePublished(cameraId, sequence, payload.length);
            }
            sequence++;
            sent++;
        }
        late.addAndGet(pace.late());
        return sent;
    }

    /** Records every acknowledged frame in {@code ledger} from now on (for per-frame accounting). */
    public FramePublisher withLedger(FrameLedger ledger) {
        this.ledger = ledger;
        return this;
    }

    /** Sends already-encoded record bytes (tests and tools that craft bad frames use this too). */
    public void send(String key, long sequence, byte[] value) {
        FrameLedger l = ledger;
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error == null) {
                acked.incrementAndGet();
                if (l != null) {
                    l.published(key, sequence);
                }
                bytes.addAndGet(value == null ? 0 : value.length);
            } else {
                failed.incrementAndGet();
                String reason = error instanceof RecordTooLargeException
                        ? "frame " + sequence + " of " + key + " is " + (value == null ? 0 : value.length) + " bytes, over the "
                          + "producer's max.request.size or the topic's max.message.bytes; lower the resolution or JPEG "
                          + "quality, or raise both limits"
                        : "frame " + sequence + " of " + key + " was not published: " + error.getMessage();
                firstError.compareAndSet(null, reason);
            }
        });
    }

    public void flush() {
        producer.flush();
    }

    public long acked() {
        return acked.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Frames of paced cameras that could not be sent on time (after each, the camera's schedule restarted). */
    public long late() {
        return late.get();
    }

    /** Counts frames sent late by a caller that paces them itself ({@code publish --passthrough}). */
    public void countLate(long frames) {
        late.addAndGet(frames);
    }

    public long bytes() {
        return bytes.get();
    }

    /** The first send failure, phrased for the user, or null. */
    public String firstError() {
        return firstError.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
