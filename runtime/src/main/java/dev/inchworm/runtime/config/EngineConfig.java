package dev.inchworm.runtime.config;

/**
 * The {@code engine:} block: settings of the upgrade engine itself.
 *
 * @param reserveBytes  bytes kept free on top of each step's estimate
 * @param onInterrupted what to do with a run a crash left unfinished: resume it or roll it back
 * @param keepInitial   whether the run keeps its initial generation until the target is reached
 * @param lastTry       whether the plain rebuild is tried once when every strategy passed
 *                      without trying it from the system the host runs (estimates err both ways)
 */
public record EngineConfig(long reserveBytes, Interrupted onInterrupted, KeepInitial keepInitial, boolean lastTry) {

    public EngineConfig(long reserveBytes, Interrupted onInterrupted) {
        this(reserveBytes, onInterrupted, KeepInitial.AUTO);
    }

    public EngineConfig(long reserveBytes, Interrupted onInterrupted, KeepInitial keepInitial) {
        this(reserveBytes, onInterrupted, keepInitial, true);
    }

    /** The same with {@code lastTry} set. */
    public EngineConfig withLastTry(boolean lastTry) {
        return new EngineConfig(reserveBytes, onInterrupted, keepInitial, lastTry);
    }

    /** Default reserve: Nix's SQLite WAL and the gc-reserved-space file (docs/architecture.md, "Nix facts"). */
    public static final long DEFAULT_RESERVE_BYTES = 32L << 20;

    public static EngineConfig defaults() {
        return new EngineConfig(DEFAULT_RESERVE_BYTES, Interrupted.RESUME, KeepInitial.AUTO);
    }

    /** What the next run does with an unfinished one. */
    public enum Interrupted { RESUME, ROLLBACK }

    /**
     * The initial generation: kept for the whole run ({@code ALWAYS}), released once the first
     * step is switched ({@code NEVER}), or released only when the plan fits without it and not
     * with it ({@code AUTO}). Released, a rollback rebuilds the initial system from its kept
     * {@code .drv} (retrace).
     */
    public enum KeepInitial { AUTO, ALWAYS, NEVER }
}
