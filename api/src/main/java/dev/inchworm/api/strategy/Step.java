package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;
import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step toward the target: a system toplevel to build, install and activate. The step
 * that reaches the target has {@code toplevel} equal to the target's toplevel.
 *
 * @param description    what the step does, for people ("upgrade firefox, libreoffice")
 * @param drv            the toplevel derivation to realise
 * @param toplevel       its output path
 * @param estimatedBytes the strategy's estimate of the store bytes the build adds at its peak
 *                       (0 when it cannot tell)
 * @param units          the units (packages) this step changes, by name; may be empty
 * @param revision       the revision of the system source the step corresponds to, when it is
 *                       one (commit walking); empty for masked intermediate systems
 * @param estimateTerms  the terms of the estimate when the shared estimator made it
 *                       (docs/estimates.md), else empty; shown in plans and reports
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record Step(String description, StorePath drv, StorePath toplevel, long estimatedBytes,
                   List<String> units, Optional<Revision> revision, List<FootprintEstimate.Term> estimateTerms) {

    public Step {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(drv, "drv");
        Objects.requireNonNull(toplevel, "toplevel");
        if (estimatedBytes < 0) {
            throw new IllegalArgumentException("negative estimate for step '" + description + "'");
        }
        units = List.copyOf(units);
        Objects.requireNonNull(revision, "revision");
        estimateTerms = estimateTerms == null ? List.of() : List.copyOf(estimateTerms);
    }

    /** A step whose estimate has no terms (the strategy's own figure). */
    public Step(String description, StorePath drv, StorePath toplevel, long estimatedBytes,
                List<String> units, Optional<Revision> revision) {
        this(description, drv, toplevel, estimatedBytes, units, revision, List.of());
    }
}
