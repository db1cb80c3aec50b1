package dev.inchworm.runtime.journal;

/**
 * Where a run stands. Each phase is written before the work it names starts, so a run found
 * in any phase but {@link #FINISHED} is unfinished and is resumed or rolled back.
 */
public enum RunPhase {
    /** Evaluating the target and taking steps toward it. */
    RUNNING,
    /** At the target: releasing provisioners, pruning the initial generation, collecting garbage. */
    FINISHING,
    /**
     * Stopped on a switched step whose successor fits only once the booted system's pin is gone:
     * waiting for the host to boot that step ({@link RunRecord#rebootWait()} says which and
     * why). The next run checks what the host booted and goes on, or rolls back.
     */
    AWAITING_REBOOT,
    /** Restoring the initial system. Stays so when the rollback failed, so the next run retries it. */
    ROLLING_BACK,
    /** Nothing left to do; {@link RunRecord#result()} says how it ended. */
    FINISHED
}
