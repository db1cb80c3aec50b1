package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.nix.Nix;
import dev.inchworm.plugins.packagestepping.derivation.StoreDerivations;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * The derivations read during one run, kept from one call of the strategy to the next: the
 * run's backend (one {@link Nix} object per run) is the key, so a run reads each {@code .drv}
 * once, and the memory goes with the backend when the run ends.
 */
final class RunMemory {

    private static final Map<Nix, StoreDerivations.Memory> MEMORIES = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Map<Nix, Kept> ANALYSES = Collections.synchronizedMap(new WeakHashMap<>());

    private record Kept(UpgradeAnalysis.Inputs inputs, UpgradeAnalysis analysis) {
    }

    private RunMemory() {
    }

    static StoreDerivations.Memory of(Nix nix) {
        return MEMORIES.computeIfAbsent(nix, n -> new StoreDerivations.Memory());
    }

    /** Keeps one analysis for the next call on this backend. */
    static void keepAnalysis(Nix nix, UpgradeAnalysis.Inputs inputs, UpgradeAnalysis analysis) {
        ANALYSES.put(nix, new Kept(inputs, analysis));
    }

    /** The kept analysis when it was made for exactly {@code inputs}; forgotten either way. */
    static Optional<UpgradeAnalysis> takeAnalysis(Nix nix, UpgradeAnalysis.Inputs inputs) {
        Kept kept = ANALYSES.remove(nix);
        return kept != null && kept.inputs().equals(inputs) ? Optional.of(kept.analysis()) : Optional.empty();
    }
}
