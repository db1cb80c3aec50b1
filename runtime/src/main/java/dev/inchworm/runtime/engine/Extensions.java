package dev.inchworm.runtime.engine;

import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.util.List;
import java.util.Objects;

/**
 * The extensions a host profile selected, bound to their settings: what the engine works with.
 *
 * @param probe        the storage probe
 * @param strategies   upgrade strategies, asked in this order
 * @param rollback     the rollback
 * @param reclaimers   reclaimers, in profile order (the engine runs them cheapest first)
 * @param provisioners provisioners, acquired in this order and released in reverse
 */
public record Extensions(Bound<StorageProbe<?>> probe, List<Bound<UpgradeStrategy<?>>> strategies,
                         Bound<Rollback<?>> rollback, List<Bound<Reclaimer<?>>> reclaimers,
                         List<Bound<Provisioner<?>>> provisioners) {

    public Extensions {
        Objects.requireNonNull(probe, "probe");
        strategies = List.copyOf(strategies);
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("a host profile needs at least one strategy");
        }
        Objects.requireNonNull(rollback, "rollback");
        reclaimers = List.copyOf(reclaimers);
        provisioners = List.copyOf(provisioners);
    }
}
