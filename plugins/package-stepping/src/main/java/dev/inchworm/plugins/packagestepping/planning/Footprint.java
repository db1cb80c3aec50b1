package dev.inchworm.plugins.packagestepping.planning;

import java.util.Objects;
import java.util.Set;

/**
 * What one unit occupies in the store before and after its upgrade, as sets of items (store
 * paths, or estimated paths of outputs not built yet) whose sizes the {@link StepPlanner} is
 * given. Items shared between units (a library under many packages) appear in several sets and
 * are counted once. Items that never change (the closures of unchanged units) are left out.
 *
 * @param key      the unit's key
 * @param oldItems the items its old version holds (empty for an added unit)
 * @param newItems the items its new version holds (empty for a removed unit)
 * @param forced   the unit goes with the first step whatever the plan (added, removed and
 *                 unmaskable units: every intermediate system has them at their new state)
 */
public record Footprint(String key, Set<String> oldItems, Set<String> newItems, boolean forced) {

    public Footprint {
        Objects.requireNonNull(key, "key");
        oldItems = Set.copyOf(oldItems);
        newItems = Set.copyOf(newItems);
    }
}
