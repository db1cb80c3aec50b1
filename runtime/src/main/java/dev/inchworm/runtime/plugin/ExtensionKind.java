package dev.inchworm.runtime.plugin;

import dev.inchworm.api.Pluggable;
import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.strategy.UpgradeStrategy;

/** The five extension points, with the profile key that selects each. */
public enum ExtensionKind {
    STRATEGY(UpgradeStrategy.class, "strategies"),
    PROBE(StorageProbe.class, "probe"),
    ROLLBACK(Rollback.class, "rollback"),
    RECLAIMER(Reclaimer.class, "reclaimers"),
    PROVISIONER(Provisioner.class, "provisioners");

    @SuppressWarnings("rawtypes")
    private final Class<? extends Pluggable> type;
    private final String profileKey;

    @SuppressWarnings("rawtypes")
    ExtensionKind(Class<? extends Pluggable> type, String profileKey) {
        this.type = type;
        this.profileKey = profileKey;
    }

    /** The api interface, e.g. {@code StorageProbe}. */
    @SuppressWarnings("rawtypes")
    public Class<? extends Pluggable> type() {
        return type;
    }

    /** The profile key its selections stand under. */
    public String profileKey() {
        return profileKey;
    }

    /** The interface's simple name, as {@code inchworm plugins} prints it. */
    public String displayName() {
        return type.getSimpleName();
    }
}
