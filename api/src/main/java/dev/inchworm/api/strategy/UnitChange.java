package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;
import java.util.Objects;

/**
 * One unit (package) an upgrade changes, for {@code inchworm plan} (like {@code nvd diff}).
 *
 * @param name              the name without version
 * @param oldVersion        the current version ("" when added, or when the name has none)
 * @param newVersion        the target's version ("" when removed, or when the name has none)
 * @param oldBytes          store bytes of its current closure that other units do not share
 * @param estimatedNewBytes the strategy's estimate of its new closure's bytes
 * @param change            added, removed or changed
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record UnitChange(String name, String oldVersion, String newVersion, long oldBytes, long estimatedNewBytes,
                         Change change) {

    /** How a unit differs from the current system to the target. */
    @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
    public enum Change { ADDED, REMOVED, CHANGED }

    public UnitChange {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(oldVersion, "oldVersion");
        Objects.requireNonNull(newVersion, "newVersion");
        Objects.requireNonNull(change, "change");
        if (oldBytes < 0 || estimatedNewBytes < 0) {
            throw new IllegalArgumentException("negative size for unit " + name);
        }
    }
}
