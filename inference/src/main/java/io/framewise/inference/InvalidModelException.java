package io.framewise.inference;

import java.nio.file.Path;

/** A model directory that cannot serve: the message names the directory, the problem and the fix. */
public class InvalidModelException extends RuntimeException {
    private final String fix;

    public InvalidModelException(Path modelDir, String problem, String fix) {
        super("model directory " + modelDir + ": " + problem + ". Fix: " + fix);
        this.fix = fix;
    }

    public String fix() {
        return fix;
    }
}
