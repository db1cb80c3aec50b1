package dev.inchworm.api.reclaim;

import dev.inchworm.api.Api;
import dev.inchworm.api.Pluggable;

/**
 * Frees disk when a step needs more than is free. The engine runs the profile's reclaimers
 * cheapest first (by {@link #cost()}) until enough is free.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Reclaimer<S extends Record> extends Pluggable<S> {

    /** Nothing lost: garbage, caches. */
    int COST_FREE = 0;
    /** Loses history the admin may want: old logs. */
    int COST_HISTORY = 50;
    /** Loses the ability to roll back to older generations. */
    int COST_ROLLBACK = 80;

    /** How much is lost by reclaiming, 0 (nothing) to 100; the engine runs lower costs first. */
    int cost();

    /**
     * Frees up to {@code bytesWanted} bytes (more is fine when the tool cannot stop
     * precisely) and says how much it freed.
     */
    Reclaimed reclaim(ReclaimContext<S> context, long bytesWanted);
}
