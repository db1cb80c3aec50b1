package dev.inchworm.plugins.packagestepping.masking;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An intermediate system: the target with some units kept at their old versions.
 *
 * @param toplevel    the masked toplevel {@code .drv} (the target's own when nothing is masked)
 * @param outputs     the masked toplevel's output paths
 * @param derivations the re-derived aggregators to put into the store, inputs first; empty
 *                    when the result is the target itself
 * @param upgraded    keys of the units at their new version (requested, added, and those
 *                    that cannot be masked)
 * @param masked      keys of the changed units kept at their old version
 */
public record MaskedSystem(
        StorePath toplevel,
        SortedMap<String, StorePath> outputs,
        List<NewDerivation> derivations,
        SortedSet<String> upgraded,
        SortedSet<String> masked) {

    /** A re-derived aggregator, to put into the store. */
    public record NewDerivation(StorePath path, Derivation derivation) {

        /** The name to give Nix ({@code <name>.drv} is the file name). */
        public String name() {
            return derivation.name();
        }

        /** The ATerm text to write. */
        public String aterm() {
            return derivation.aterm();
        }

        /** The references the {@code .drv} must be registered with. */
        public SortedSet<StorePath> references() {
            return derivation.references();
        }
    }

    public MaskedSystem {
        outputs = Collections.unmodifiableSortedMap(new TreeMap<>(outputs));
        derivations = List.copyOf(derivations);
        upgraded = Collections.unmodifiableSortedSet(new TreeSet<>(upgraded));
        masked = Collections.unmodifiableSortedSet(new TreeSet<>(masked));
    }

    /** The derivations to add, in order. */
    public List<Derivation> newDerivations() {
        return derivations.stream().map(NewDerivation::derivation).toList();
    }
}
