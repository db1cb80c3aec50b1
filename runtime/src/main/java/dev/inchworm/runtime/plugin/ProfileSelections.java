package dev.inchworm.runtime.plugin;

import java.util.List;
import java.util.Objects;

/** Every extension a host profile selects, each with its bound settings, in profile order. */
public record ProfileSelections(List<Selected> strategies, Selected probe, Selected rollback,
                                List<Selected> reclaimers, List<Selected> provisioners) {

    public ProfileSelections {
        strategies = List.copyOf(strategies);
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(rollback, "rollback");
        reclaimers = List.copyOf(reclaimers);
        provisioners = List.copyOf(provisioners);
    }
}
