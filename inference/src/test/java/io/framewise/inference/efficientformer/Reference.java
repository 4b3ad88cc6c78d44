package io.framewise.inference.efficientformer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The reference data the tests are held to, all inside this repository: the golden logits bundled with the module
 * (main resources, also used by {@code model verify}) and the timm key lists (test resources).
 */
final class Reference {
    private static final String TIMM_KEYS = "/io/framewise/inference/reference/timm-keys/";

    private Reference() {
    }

    static JsonNode golden(Variant v) throws IOException {
        return ReferenceGoldens.bundled().of(v);
    }

    /** The lines of timm-keys/VARIANT.txt. */
    static List<String> timmKeyLines(Variant v) throws IOException {
        String resource = TIMM_KEYS + v.timmName() + ".txt";
        try (InputStream in = Reference.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
