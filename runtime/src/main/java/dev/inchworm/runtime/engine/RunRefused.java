package dev.inchworm.runtime.engine;

/**
 * The engine refused to start (or resume) a run because of what it was asked or what it
 * found, before changing anything on the host: exit code 2. The message says what to do.
 */
public class RunRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RunRefused(String message) {
        super(message);
    }

    public RunRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
