package dev.inchworm.plugins.packagestepping.masking;

import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.plugins.packagestepping.derivation.DerivationSource;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A system's derivation tree split between the cheap aggregator layer on top and the
 * packages below.
 *
 * <p>The rule: the toplevel is an aggregator; an input derivation of an aggregator is an
 * aggregator too when it is cheap ({@code preferLocalBuild = true} or
 * {@code allowSubstitutes = false}, i.e. {@code "1"} or {@code ""} in its environment or
 * {@code __json}, and not fixed-output); otherwise it is a unit and the walk stops there. So the
 * aggregators are exactly what is reachable from the toplevel through cheap derivations, and
 * everything on the path from the toplevel to an aggregator is an aggregator. A cheap
 * derivation reached only through a package (a {@code writeText} in a package's build) is not:
 * it belongs to that package's unit, and taking it up would re-derive the package. A
 * non-cheap derivation between aggregators (an initrd) is a unit, taken whole.
 *
 * @param toplevel    the system's toplevel {@code .drv} (or, from {@link #ofOutputs}, its output)
 * @param aggregators the aggregator layer, toplevel included
 * @param units       package-layer derivations the aggregators reference directly
 */
public record Cut(StorePath toplevel, SortedSet<StorePath> aggregators, SortedSet<StorePath> units) {

    private static final Pattern CHEAP_JSON =
            Pattern.compile("\"preferLocalBuild\"\\s*:\\s*true|\"allowSubstitutes\"\\s*:\\s*false");

    public Cut {
        if (!aggregators.contains(toplevel)) {
            throw new IllegalArgumentException("the toplevel " + toplevel + " must be an aggregator");
        }
        aggregators = Collections.unmodifiableSortedSet(new TreeSet<>(aggregators));
        units = Collections.unmodifiableSortedSet(new TreeSet<>(units));
    }

    /**
     * Cuts the tree under a toplevel. Aggregators must be readable; a unit may be gone.
     *
     * @throws IllegalArgumentException when the toplevel or an aggregator is not in the store,
     *     or an aggregator is content-addressed or impure
     */
    public static Cut of(StorePath toplevel, DerivationSource source) {
        SortedSet<StorePath> aggregators = new TreeSet<>();
        SortedSet<StorePath> units = new TreeSet<>();
        Deque<StorePath> queue = new ArrayDeque<>();
        queue.add(toplevel);
        aggregators.add(toplevel);
        while (!queue.isEmpty()) {
            StorePath path = queue.poll();
            Derivation drv = source.read(path).orElseThrow(() -> new IllegalArgumentException(
                    "aggregator " + path + " under " + toplevel + " is not in the store"));
            Derivation.Kind kind = drv.kind();
            if (kind != Derivation.Kind.INPUT_ADDRESSED) {
                throw new IllegalArgumentException("aggregator " + path + " is " + kind.name().toLowerCase()
                        .replace('_', '-') + ": only input-addressed aggregators can be re-derived");
            }
            for (StorePath input : drv.inputDrvs().keySet()) {
                if (aggregators.contains(input) || units.contains(input)) {
                    continue;
                }
                Optional<Derivation> child = source.read(input);
                if (child.isPresent() && isCheap(child.get())) {
                    aggregators.add(input);
                    queue.add(input);
                } else {
                    units.add(input);
                }
            }
        }
        return new Cut(toplevel, aggregators, units);
    }

    /**
     * The current system's cut when its derivation tree is gone, from its output closure: the
     * units are the derivers (by the recorded {@code deriver}) of the paths reached from the
     * toplevel output through paths that are not units, whose name without version is one of
     * {@code unitNames} and whose path is one of their outputs ({@code <name>} for {@code out},
     * {@code <name>-<output>} otherwise). The toplevel is the output itself and the only
     * aggregator: there is nothing old to re-derive, only units to find.
     *
     * @param toplevel  the current system's toplevel output
     * @param closure   the store's facts about every path of its closure
     * @param unitNames the names without version of the target's units
     */
    public static Cut ofOutputs(StorePath toplevel, Map<StorePath, PathInfo> closure, Set<String> unitNames) {
        SortedSet<StorePath> units = new TreeSet<>();
        Set<StorePath> seen = new HashSet<>();
        Deque<StorePath> queue = new ArrayDeque<>();
        queue.add(toplevel);
        seen.add(toplevel);
        while (!queue.isEmpty()) {
            PathInfo info = closure.get(queue.poll());
            if (info == null) {
                continue;
            }
            for (StorePath reference : info.references()) {
                if (!seen.add(reference)) {
                    continue;
                }
                Optional<StorePath> unit = Optional.ofNullable(closure.get(reference))
                        .flatMap(PathInfo::deriver).filter(d -> isOutputOf(reference, d))
                        .filter(d -> unitNames.contains(DrvName.parse(Derivation.nameOf(d)).name()));
                if (unit.isPresent()) {
                    units.add(unit.get());
                } else {
                    queue.add(reference);
                }
            }
        }
        return new Cut(toplevel, new TreeSet<>(Set.of(toplevel)), units);
    }

    /**
     * This cut with the units an earlier masking left in its aggregators as input sources
     * (an intermediate system built while the old derivations were gone): each source whose
     * recorded deriver is named like one of {@code unitNames} counts as that deriver's unit.
     *
     * @param source    where the aggregators are read
     * @param closure   the store's facts about the system's output closure
     * @param unitNames the names without version of the target's units
     */
    public Cut withSourceUnits(DerivationSource source, Map<StorePath, PathInfo> closure, Set<String> unitNames) {
        SortedSet<StorePath> all = new TreeSet<>(units);
        for (StorePath aggregator : aggregators) {
            for (StorePath input : source.require(aggregator).inputSrcs()) {
                Optional.ofNullable(closure.get(input)).flatMap(PathInfo::deriver)
                        .filter(d -> isOutputOf(input, d))
                        .filter(d -> unitNames.contains(DrvName.parse(Derivation.nameOf(d)).name()))
                        .ifPresent(all::add);
            }
        }
        return all.equals(units) ? this : new Cut(toplevel, aggregators, all);
    }

    /** True when {@code path} is named as an output of {@code drv}: {@code <name>} or {@code <name>-<output>}. */
    private static boolean isOutputOf(StorePath path, StorePath drv) {
        if (!drv.isDerivation()) {
            return false;
        }
        String drvName = Derivation.nameOf(drv);
        return path.name().equals(drvName) || path.name().startsWith(drvName + "-");
    }

    /** Cheap: marked to build locally or not to substitute, and not a fetcher. */
    public static boolean isCheap(Derivation drv) {
        if (drv.outputs().values().stream().anyMatch(o -> !o.hashAlgo().isEmpty())) {
            return false;
        }
        String preferLocal = drv.env().get("preferLocalBuild");
        String allowSubstitutes = drv.env().get("allowSubstitutes");
        if ("1".equals(preferLocal) || "".equals(allowSubstitutes)) {
            return true;
        }
        String json = drv.env().get("__json");
        return json != null && CHEAP_JSON.matcher(json).find();
    }
}
