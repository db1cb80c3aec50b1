package dev.inchworm.api.rollback;

import dev.inchworm.api.Api;
import dev.inchworm.api.Pluggable;

/**
 * Brings the host back to the generation a run started from. Must be idempotent: after a
 * crash in the middle of a rollback the runtime calls it again.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Rollback<S extends Record> extends Pluggable<S> {

    /** Whether this rollback can restore the initial system in the host's present state. */
    default boolean canRestore(RollbackContext<S> context) {
        return true;
    }

    /** Restores the initial system: profile, activation, and removes the run's generations. */
    RollbackResult restore(RollbackContext<S> context);
}
