package dev.inchworm.plugins.packagestepping.masking;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import java.util.Optional;

/**
 * A package the aggregators reference, in the current (old) system and in the target, matched
 * by name without version. A unit is taken whole: its old derivation with all of its own old
 * dependencies, or its new one with its new ones.
 *
 * @param key    how the planner and {@link Masking#mask} name the unit: the name without
 *               version, or the full name when several units share it
 * @param oldDrv the current system's derivation, empty for an added unit
 * @param newDrv the target's derivation, empty for a removed unit
 */
public record Unit(String key, Optional<StorePath> oldDrv, Optional<StorePath> newDrv) {

    /** How a unit differs between the current system and the target. */
    public enum Change { ADDED, REMOVED, CHANGED, UNCHANGED }

    public Unit {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a unit needs a key");
        }
        if (oldDrv.isEmpty() && newDrv.isEmpty()) {
            throw new IllegalArgumentException("unit '" + key + "' has neither an old nor a new derivation");
        }
    }

    /** The change from old to new. */
    public Change change() {
        if (oldDrv.isEmpty()) {
            return Change.ADDED;
        }
        if (newDrv.isEmpty()) {
            return Change.REMOVED;
        }
        return oldDrv.equals(newDrv) ? Change.UNCHANGED : Change.CHANGED;
    }

    /** The name without version. */
    public String name() {
        return DrvName.parse(Derivation.nameOf(newDrv.orElseGet(oldDrv::orElseThrow))).name();
    }

    /** The old version (empty string when the name has none). */
    public Optional<String> oldVersion() {
        return oldDrv.map(p -> DrvName.parse(Derivation.nameOf(p)).version());
    }

    /** The new version (empty string when the name has none). */
    public Optional<String> newVersion() {
        return newDrv.map(p -> DrvName.parse(Derivation.nameOf(p)).version());
    }
}
