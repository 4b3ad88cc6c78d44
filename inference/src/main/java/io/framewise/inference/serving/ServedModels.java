package io.framewise.inference.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import io.framewise.inference.FrameClassifier;
import io.framewise.inference.InferenceOptions;

/**
 * The models of one process: the primary, and the fallback when the budget policy uses one. Loaded once and shared
 * by every stream thread; TensorFlow's thread pool is per process anyway.
 */
public final class ServedModels implements AutoCloseable {
    private final ServedModel primary;
    private final ServedModel fallback;

    public ServedModels(ServedModel primary, ServedModel fallback) {
        this.primary = primary;
        this.fallback = fallback;
    }

    /**
     * Loads the primary from {@code primaryDir} and the fallback from {@code fallbackDir} (null: none), each served
     * as {@code serving} says (batch limits, top-k).
     */
    public static ServedModels load(Path primaryDir, Path fallbackDir, InferenceOptions options,
                                    UnaryOperator<ServedModel.Builder> serving) throws IOException {
        ServedModel primary = serving.apply(ServedModel.of(FrameClassifier.load(primaryDir, options))).start();
        ServedModel fallback = null;
        if (fallbackDir != null) {
            try {
                fallback = serving.apply(ServedModel.of(FrameClassifier.load(fallbackDir, options))).start();
            } catch (IOException | RuntimeException e) {
                primary.close();
                throw e;
            }
        }
        return new ServedModels(primary, fallback);
    }

    public ServedModel primary() {
        return primary;
    }

    /** The fallback model, or null. */
    public ServedModel fallback() {
        return fallback;
    }

    /** The decision on a frame starting now ({@link Admission}), on the models' outlooks. */
    public Admission.Decision decide(long nowNanos, Admission.Request request) {
        return Admission.decide(nowNanos, request, primary.outlook(nowNanos), fallback == null ? null : fallback.outlook(nowNanos));
    }

    /** The model a route names. */
    public ServedModel route(Admission.Route route) {
        return route == Admission.Route.FALLBACK ? fallback : primary;
    }

    /** Admits a frame to the model an admitting decision routes it to ({@link ServedModel#admit}). */
    public ServedModel.Ticket admit(Admission.Decision decision) {
        return route(decision.route()).admit(decision.probe());
    }

    @Override
    public void close() {
        primary.close();
        if (fallback != null) {
            fallback.close();
        }
    }
}
