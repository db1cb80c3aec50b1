package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the host is now.
 *
 * @param generation the current generation of the system profile
 * @param toplevel   its toplevel
 * @param drv        the toplevel's derivation, when the store still has it
 * @param revision   the revision of the system source it came from, when Inchworm knows it
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record SystemState(Generation generation, StorePath toplevel, Optional<StorePath> drv,
                          Optional<Revision> revision) {

    public SystemState {
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(toplevel, "toplevel");
        Objects.requireNonNull(drv, "drv");
        Objects.requireNonNull(revision, "revision");
    }
}
