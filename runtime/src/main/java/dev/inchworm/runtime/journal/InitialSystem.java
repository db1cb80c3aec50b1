package dev.inchworm.runtime.journal;

import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.util.Objects;

/**
 * The system a run started from: what a rollback restores.
 *
 * @param generation the system profile generation current at the start
 * @param toplevel   its toplevel
 * @param drv        the toplevel's derivation, null when the store did not have it
 * @param revision   the system source revision it came from, null when unknown
 */
public record InitialSystem(int generation, StorePath toplevel, StorePath drv, Revision revision) {

    public InitialSystem {
        if (generation < 1) {
            throw new IllegalArgumentException("initial generation must be 1 or more: " + generation);
        }
        Objects.requireNonNull(toplevel, "toplevel");
    }
}
