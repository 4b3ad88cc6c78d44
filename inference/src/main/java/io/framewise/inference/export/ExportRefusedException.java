package io.framewise.inference.export;

import java.io.IOException;
import java.nio.file.Path;

/** A model export that would have replaced something that is not a Framewise model, or a model not meant to go. */
public final class ExportRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path target;

    public ExportRefusedException(Path target, String message) {
        super(message);
        this.target = target;
    }

    public Path target() {
        return target;
    }
}
