package dev.inchworm.runtime.journal;

import java.util.Map;
import java.util.Objects;

/**
 * A test hook: stops the process right after the n-th journal write of this process, with no
 * cleanup, as {@code kill -9} or a power cut would. The crash tests set
 * {@value #ENVIRONMENT_VARIABLE}{@code =n} for n = 1, 2, ... in turn and check that the next
 * run ends at the target or at the initial system. The CLI's hook prints
 * {@code inchworm: crash point reached; waiting to be killed} on standard error and waits for
 * the test's SIGKILL (halting after 30 s if none comes). Not for production use.
 */
public final class CrashPoint {

    /** The environment variable that sets the write after which to crash. */
    public static final String ENVIRONMENT_VARIABLE = "INCHWORM_CRASH_AFTER";

    private static final CrashPoint NONE = new CrashPoint(0, () -> { });

    private final int afterWrite;
    private final Runnable crash;

    private CrashPoint(int afterWrite, Runnable crash) {
        this.afterWrite = afterWrite;
        this.crash = Objects.requireNonNull(crash, "crash");
    }

    /** Never crashes. */
    public static CrashPoint none() {
        return NONE;
    }

    /**
     * Crashes after the given write by running {@code crash} (which must not return normally:
     * halt the process, or throw an {@link Error} in tests).
     */
    public static CrashPoint afterWrite(int n, Runnable crash) {
        if (n < 1) {
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " must be 1 or more: " + n);
        }
        return new CrashPoint(n, crash);
    }

    /** From {@value #ENVIRONMENT_VARIABLE}, or {@link #none()} when it is not set. */
    public static CrashPoint fromEnvironment(Map<String, String> environment, Runnable crash) {
        String value = environment.get(ENVIRONMENT_VARIABLE);
        if (value == null || value.isBlank()) {
            return none();
        }
        try {
            return afterWrite(Integer.parseInt(value.strip()), crash);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " must be a number: '" + value + "'", e);
        }
    }

    /** Called by the journal after each durable write, with the count of writes so far. */
    void written(int count) {
        if (count == afterWrite) {
            crash.run();
        }
    }
}
