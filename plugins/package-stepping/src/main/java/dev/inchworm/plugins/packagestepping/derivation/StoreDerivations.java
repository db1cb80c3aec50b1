package dev.inchworm.plugins.packagestepping.derivation;

import dev.inchworm.api.nix.derivation.Derivation;

import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The production {@link DerivationSource}: the host's store through {@link Nix}, read in bulk
 * and kept. {@link #prefetch} reads a whole derivation closure with two commands (its
 * requisites, then every {@code .drv} at once); later reads of those cost nothing. Outputs of
 * derivations that are gone are known from the derivers the store recorded for valid paths
 * ({@link #learnDerivers}). Not thread-safe.
 */
public final class StoreDerivations implements DerivationSource {

    private final Nix nix;
    private final Map<StorePath, Optional<Derivation>> cache = new HashMap<>();
    private final Map<StorePath, SortedMap<String, StorePath>> derived = new HashMap<>();

    public StoreDerivations(Nix nix) {
        this.nix = nix;
    }

    /** Reads every derivation in the closure of {@code drv} (when {@code drv} is valid). */
    public void prefetch(StorePath drv) {
        if (cache.containsKey(drv) && cache.get(drv).isEmpty()) {
            return;
        }
        if (!cache.containsKey(drv) && !nix.isValid(drv)) {
            cache.put(drv, Optional.empty());
            return;
        }
        List<StorePath> missing = new ArrayList<>();
        for (StorePath path : nix.closure(drv, false)) {
            if (path.isDerivation() && !cache.containsKey(path)) {
                missing.add(path);
            }
        }
        readAll(missing);
    }

    private void readAll(Collection<StorePath> drvs) {
        Map<StorePath, String> texts = nix.readDerivations(drvs);
        for (StorePath drv : drvs) {
            String text = texts.get(drv);
            cache.put(drv, text == null ? Optional.empty() : Optional.of(Derivation.read(drv, text)));
        }
    }

    /**
     * Learns the outputs of derivations from valid paths' recorded derivers: a path named like
     * its deriver is its {@code out}, one named {@code <deriver name>-<output>} is that output.
     */
    public void learnDerivers(Collection<PathInfo> infos) {
        for (PathInfo info : infos) {
            info.deriver().filter(StorePath::isDerivation).ifPresent(drv -> {
                String drvName = Derivation.nameOf(drv);
                String name = info.path().name();
                String output = name.equals(drvName) ? "out"
                        : name.startsWith(drvName + "-") ? name.substring(drvName.length() + 1) : null;
                if (output != null) {
                    derived.computeIfAbsent(drv, d -> new TreeMap<>()).put(output, info.path());
                }
            });
        }
    }

    @Override
    public Optional<Derivation> read(StorePath drv) {
        if (!cache.containsKey(drv)) {
            readAll(List.of(drv));
        }
        return cache.get(drv);
    }

    /** {@inheritDoc} For a gone derivation, the valid outputs whose deriver it was. */
    @Override
    public SortedMap<String, StorePath> outputs(StorePath drv) {
        Optional<Derivation> read = read(drv);
        if (read.isPresent()) {
            return read.get().outputPaths();
        }
        SortedMap<String, StorePath> known = derived.get(drv);
        if (known == null) {
            throw new IllegalArgumentException("derivation " + drv + " is gone and no valid path names it as deriver");
        }
        return known;
    }

    /** Every derivation read so far that exists. */
    public Map<StorePath, Derivation> known() {
        Map<StorePath, Derivation> known = new HashMap<>();
        cache.forEach((path, drv) -> drv.ifPresent(d -> known.put(path, d)));
        return known;
    }
}
