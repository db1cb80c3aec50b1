package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.Objects;

/**
 * What a revision of the system source evaluates to.
 *
 * @param revision the evaluated revision
 * @param drv      the toplevel's derivation
 * @param toplevel the toplevel's output path (not built yet, necessarily)
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record Evaluation(Revision revision, StorePath drv, StorePath toplevel) {

    public Evaluation {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(drv, "drv");
        Objects.requireNonNull(toplevel, "toplevel");
        if (!drv.isDerivation()) {
            throw new IllegalArgumentException("not a derivation: " + drv);
        }
    }
}
