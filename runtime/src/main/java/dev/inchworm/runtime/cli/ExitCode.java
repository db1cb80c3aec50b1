package dev.inchworm.runtime.cli;

/**
 * The exit codes of every {@code inchworm} command, as documented in the README and
 * {@code docs/operations.md}. Scripts and systemd units rely on them: never renumber.
 */
public enum ExitCode {
    /** The command did what was asked. */
    OK(0, "success"),
    /** A bug or an unexpected failure (a stack trace is printed). */
    INTERNAL_ERROR(1, "internal error"),
    /** Bad command line, host profile or plugin set: nothing on the host was changed. */
    USAGE(2, "usage or configuration error"),
    /** The upgrade failed and the host was rolled back to where it started. */
    ROLLED_BACK(3, "upgrade failed, host rolled back to where it started"),
    /** The upgrade failed and the host could not be restored: look at it. */
    NOT_RESTORED(4, "upgrade failed, host could not be restored"),
    /** Another run holds the host's lock. */
    LOCKED(5, "another run holds the lock"),
    /**
     * The run stopped on a switched step and ran the reboot command (engine.reboot); the next
     * run goes on after the boot. The NixOS module counts it as success.
     */
    REBOOTING(6, "rebooting to continue; the next run goes on after the boot"),
    /* A plugin's exit, which must never look like success, is 7, not 6. */
    /** A plugin (or a thread it started) called System.exit: the command did not finish. */
    PLUGIN_EXIT(7, "a plugin ended the process; the next run takes over");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process exit code. */
    public int code() {
        return code;
    }

    /** What it means, for help texts. */
    public String meaning() {
        return meaning;
    }
}
