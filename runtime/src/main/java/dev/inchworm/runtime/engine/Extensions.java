package dev.inchworm.runtime.engine;

import dev.inchworm.api.Pluggable;
import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.strategy.UpgradeStrategy;
import dev.inchworm.runtime.plugin.ProfileSelections;
import dev.inchworm.runtime.plugin.Selected;
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
public record Extensions(Bound<? extends StorageProbe<?>, ?> probe,
                         List<Bound<? extends UpgradeStrategy<?>, ?>> strategies,
                         Bound<? extends Rollback<?>, ?> rollback,
                         List<Bound<? extends Reclaimer<?>, ?>> reclaimers,
                         List<Bound<? extends Provisioner<?>, ?>> provisioners) {

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

    /** Binds the registry's selections: the one place an extension meets its extension point's type. */
    public static Extensions bind(ProfileSelections selected) {
        return new Extensions(probe(selected.probe()),
                selected.strategies().stream().<Bound<? extends UpgradeStrategy<?>, ?>>map(Extensions::strategy).toList(),
                rollback(selected.rollback()),
                selected.reclaimers().stream().<Bound<? extends Reclaimer<?>, ?>>map(Extensions::reclaimer).toList(),
                selected.provisioners().stream().<Bound<? extends Provisioner<?>, ?>>map(Extensions::provisioner).toList());
    }

    /** The profile's storage probe, bound. */
    public static Bound<? extends StorageProbe<?>, ?> probe(Selected s) {
        if (instance(s) instanceof StorageProbe<?> e) {
            return Bound.of(e, s.settings());
        }
        throw notA(s, StorageProbe.class);
    }

    private static Bound<? extends UpgradeStrategy<?>, ?> strategy(Selected s) {
        if (instance(s) instanceof UpgradeStrategy<?> e) {
            return Bound.of(e, s.settings());
        }
        throw notA(s, UpgradeStrategy.class);
    }

    private static Bound<? extends Rollback<?>, ?> rollback(Selected s) {
        if (instance(s) instanceof Rollback<?> e) {
            return Bound.of(e, s.settings());
        }
        throw notA(s, Rollback.class);
    }

    private static Bound<? extends Reclaimer<?>, ?> reclaimer(Selected s) {
        if (instance(s) instanceof Reclaimer<?> e) {
            return Bound.of(e, s.settings());
        }
        throw notA(s, Reclaimer.class);
    }

    private static Bound<? extends Provisioner<?>, ?> provisioner(Selected s) {
        if (instance(s) instanceof Provisioner<?> e) {
            return Bound.of(e, s.settings());
        }
        throw notA(s, Provisioner.class);
    }

    private static Pluggable<?> instance(Selected s) {
        return s.extension().instance();
    }

    private static IllegalArgumentException notA(Selected s, Class<?> point) {
        return new IllegalArgumentException(s.keyPath() + ": '" + s.id() + "' is not a " + point.getSimpleName());
    }
}
