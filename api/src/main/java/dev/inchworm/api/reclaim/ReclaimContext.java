package dev.inchworm.api.reclaim;

import dev.inchworm.api.Api;
import dev.inchworm.api.Context;
import java.util.Set;

/** What a {@link Reclaimer} is told. */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface ReclaimContext<S extends Record> extends Context<S> {

    /**
     * Generation numbers that must survive: the run's initial generation, the current and the
     * booted one. A reclaimer never deletes these.
     */
    Set<Integer> protectedGenerations();
}
