package dev.inchworm.runtime.config;

/**
 * The {@code engine:} block: settings of the upgrade engine itself.
 *
 * @param reserveBytes  bytes kept free on top of each step's estimate
 * @param onInterrupted what to do with a run a crash left unfinished: resume it or roll it back
 */
public record EngineConfig(long reserveBytes, Interrupted onInterrupted) {

    /** Default reserve: Nix's SQLite WAL and the gc-reserved-space file (docs/architecture.md, "Nix facts"). */
    public static final long DEFAULT_RESERVE_BYTES = 32L << 20;

    public static EngineConfig defaults() {
        return new EngineConfig(DEFAULT_RESERVE_BYTES, Interrupted.RESUME);
    }

    /** What the next run does with an unfinished one. */
    public enum Interrupted { RESUME, ROLLBACK }
}
