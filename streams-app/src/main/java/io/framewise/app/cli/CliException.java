package io.framewise.app.cli;

/** A failure the user can fix: printed as one line with the fix, never as a stack trace. */
final class CliException extends RuntimeException {
    private final String fix;

    CliException(String problem, String fix) {
        super(problem);
        this.fix = fix;
    }

    String fix() {
        return fix;
    }
}
