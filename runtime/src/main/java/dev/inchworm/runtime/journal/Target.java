package dev.inchworm.runtime.journal;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.util.Objects;

/**
 * What the run's target revision evaluated to.
 *
 * @param drv      the target toplevel's derivation
 * @param toplevel the target toplevel: the last step must produce exactly this path
 */
public record Target(StorePath drv, StorePath toplevel) {

    public Target {
        Objects.requireNonNull(drv, "drv");
        Objects.requireNonNull(toplevel, "toplevel");
    }

    public static Target of(Evaluation evaluation) {
        return new Target(evaluation.drv(), evaluation.toplevel());
    }

    public Evaluation evaluation(Revision revision) {
        return new Evaluation(revision, drv, toplevel);
    }
}
