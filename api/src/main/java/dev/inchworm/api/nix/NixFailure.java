package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a Nix command failed, classified from its exit status and output. The engine and the
 * strategies decide on the kind: out of disk splits a step, a builder failure gives up.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public sealed interface NixFailure {

    /** Nix's own words (the last lines of its error output), for reports. */
    String detail();

    /**
     * The store's file system ran out of space ("No space left on device"), or the store is
     * so full that Nix cannot even open its database ("disk I/O error").
     *
     * @param storeFull true when the store had 0 bytes free: the recovery is to remove
     *                  {@code /nix/var/nix/db/reserved} and collect garbage with
     *                  {@code --option gc-reserved-space 0}
     */
    record OutOfDisk(boolean storeFull, String detail) implements NixFailure { }

    /** Killed by the kernel's OOM killer (SIGKILL), "out of memory" or {@code std::bad_alloc}. */
    record OutOfMemory(String detail) implements NixFailure { }

    /** A builder exited non-zero. {@code drv} names the failed derivation when Nix did. */
    record BuilderFailed(Optional<StorePath> drv, String detail) implements NixFailure {
        public BuilderFailed {
            Objects.requireNonNull(drv, "drv");
        }
    }

    /** The expression did not evaluate; {@code detail} is Nix's message. */
    record EvaluationFailed(String detail) implements NixFailure { }

    /** The command ran past its timeout and was killed with its process tree. */
    record TimedOut(Duration after, String detail) implements NixFailure { }

    /** Nix is not installed, or older than Inchworm supports. */
    record NixUnavailable(String detail) implements NixFailure { }

    /** Any other failure: the exit code and Nix's words. */
    record Other(int exitCode, String detail) implements NixFailure { }
}
