package io.framewise.inference.efficientformer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The reference golden logits of every variant ({@code golden-logits.json}). The copy carried inside this module's
 * resources (see its README.md for how it was computed) is the default, so verification works from the built jar on
 * any machine; {@link #fromFile(Path)} reads other data of the same format.
 */
public final class ReferenceGoldens {
    /** Classpath location of the bundled data and of the note that says how it was computed. */
    public static final String RESOURCE = "/io/framewise/inference/reference/golden-logits.json";

    private static volatile ReferenceGoldens bundled;

    private final JsonNode root;
    private final String source;

    private ReferenceGoldens(JsonNode root, String source) {
        this.root = root;
        this.source = source;
    }

    /** The data shipped with framewise. */
    public static ReferenceGoldens bundled() {
        ReferenceGoldens r = bundled;
        if (r == null) {
            try (InputStream in = ReferenceGoldens.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled reference data " + RESOURCE + " is missing from the classpath");
                }
                r = new ReferenceGoldens(new ObjectMapper().readTree(in), "bundled " + RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bundled reference data " + RESOURCE, e);
            }
            bundled = r;
        }
        return r;
    }

    /** Golden logits of the same format from a file, e.g. regenerated with another version of the reference. */
    public static ReferenceGoldens fromFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no reference data at " + file);
        }
        return new ReferenceGoldens(new ObjectMapper().readTree(file.toFile()), file.toString());
    }

    /** The entry of one variant: logits, argmax, top5, params_incl_dist_head, stage_sums, stage shapes. */
    public JsonNode of(Variant v) throws IOException {
        JsonNode entry = root.get(v.timmName());
        if (entry == null) {
            throw new IOException(source + " has no entry for " + v.timmName());
        }
        return entry;
    }

    /** Where the data came from, for messages. */
    public String source() {
        return source;
    }
}
