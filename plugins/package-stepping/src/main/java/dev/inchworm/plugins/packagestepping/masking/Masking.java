package dev.inchworm.plugins.packagestepping.masking;

import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.plugins.packagestepping.derivation.DerivationSource;
import dev.inchworm.api.nix.derivation.ModuloHashes;
import dev.inchworm.api.nix.derivation.DerivationOutput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Re-derives the target's aggregator layer with chosen units kept at their old versions.
 *
 * <p>For every aggregator, inputs first: a masked unit's input {@code .drv} becomes its old
 * one (same output names), or, when the old {@code .drv} is gone, its old output paths become
 * input sources; every store path of a masked unit or of a re-derived aggregator is rewritten
 * wherever it occurs as text (builder, arguments, environment names and values); then the
 * output paths are recomputed from {@code hashDerivationModulo} and the {@code .drv} path from
 * the ATerm. Units are never re-derived. With every unit upgraded the result is the target.
 *
 * <p>Added units are always part of the result (there is nothing old to keep, and the target's
 * aggregators name them in text that cannot be taken out); removed units are simply absent
 * from the target's aggregators. A changed unit whose target aggregators use an output its
 * old derivation lacks cannot be masked and counts as upgraded.
 */
public final class Masking {

    private final DerivationSource source;
    private final Cut target;
    private final Cut old;
    private final Units units;
    private final ModuloHashes hashes;
    private final Map<String, String> unmaskable;

    /**
     * Cuts both trees and matches their units.
     *
     * @throws IllegalArgumentException when a toplevel or an aggregator cannot be read
     */
    public Masking(DerivationSource source, StorePath targetToplevel, StorePath oldToplevel) {
        this(source, Cut.of(targetToplevel, source), c -> Cut.of(oldToplevel, source));
    }

    /**
     * Cuts the target's tree and finds the current system's units in its output closure, for
     * when the current system's derivations are gone: a masked unit's old outputs become input
     * sources. {@code source} must know the outputs of the gone old units (e.g.
     * {@code StoreDerivations.learnDerivers}); a target output an old unit lacks makes it
     * unmaskable.
     *
     * @param oldToplevel the current system's toplevel output
     * @param closure     the store's facts about every path of its closure
     * @throws IllegalArgumentException when the target's toplevel or an aggregator cannot be read
     */
    public static Masking fromOutputs(DerivationSource source, StorePath targetToplevel, StorePath oldToplevel,
                                      Map<StorePath, PathInfo> closure) {
        return new Masking(source, Cut.of(targetToplevel, source),
                target -> Cut.ofOutputs(oldToplevel, closure, unitNames(target)));
    }

    /**
     * Like {@link #Masking(DerivationSource, StorePath, StorePath)}, and an old aggregator's
     * input source whose recorded deriver is a unit counts as that unit: a system masked while
     * the old derivations were gone names its old units that way.
     *
     * @param closure the store's facts about the current system's output closure
     */
    public static Masking withSourceUnits(DerivationSource source, StorePath targetToplevel, StorePath oldToplevel,
                                          Map<StorePath, PathInfo> closure) {
        return new Masking(source, Cut.of(targetToplevel, source),
                target -> Cut.of(oldToplevel, source).withSourceUnits(source, closure, unitNames(target)));
    }

    private static Set<String> unitNames(Cut cut) {
        Set<String> names = new HashSet<>();
        cut.units().forEach(u -> names.add(DrvName.parse(Derivation.nameOf(u)).name()));
        return names;
    }

    private Masking(DerivationSource source, Cut target, Function<Cut, Cut> oldCut) {
        this.source = source;
        this.target = target;
        this.old = oldCut.apply(target);
        this.units = Units.match(target, this.old);
        this.hashes = source.moduloHasher();
        this.unmaskable = findUnmaskable();
    }

    /** The target's cut. */
    public Cut target() {
        return target;
    }

    /** The current system's cut. */
    public Cut old() {
        return old;
    }

    /** The units of this upgrade. */
    public Units units() {
        return units;
    }

    /** Changed units that cannot stay old, by key, with the reason. */
    public Map<String, String> unmaskable() {
        return Collections.unmodifiableMap(unmaskable);
    }

    /**
     * The target with every changed unit not in {@code upgraded} kept at its old version.
     *
     * @param upgraded keys of units to take at their new version
     * @throws IllegalArgumentException for a key that names no unit
     */
    public MaskedSystem mask(Set<String> upgraded) {
        SortedSet<String> unknown = new TreeSet<>(upgraded);
        unknown.removeAll(units.keys());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no such units: " + unknown + "; the units are " + units.keys());
        }
        SortedSet<String> effective = new TreeSet<>(upgraded);
        effective.addAll(units.added().keySet());
        effective.addAll(unmaskable.keySet());
        effective.retainAll(units.keys());
        SortedSet<String> maskedKeys = new TreeSet<>();
        Map<StorePath, Unit> masked = new HashMap<>();
        Rewrites rewrites = new Rewrites();
        for (Unit unit : units.changed().values()) {
            if (effective.contains(unit.key())) {
                continue;
            }
            maskedKeys.add(unit.key());
            StorePath newDrv = unit.newDrv().orElseThrow();
            masked.put(newDrv, unit);
            SortedMap<String, StorePath> oldOutputs = source.outputs(unit.oldDrv().orElseThrow());
            source.outputs(newDrv).forEach((output, path) -> {
                StorePath oldPath = oldOutputs.get(output);
                if (oldPath != null) {
                    rewrites.add(path, oldPath);
                }
            });
        }
        effective.removeAll(units.removed().keySet());

        Map<StorePath, StorePath> rederived = new HashMap<>();
        List<MaskedSystem.NewDerivation> created = new ArrayList<>();
        for (StorePath aggregator : inputsFirst()) {
            Derivation drv = source.require(aggregator);
            Derivation candidate = rederive(drv, rederived, masked, rewrites);
            Derivation filled = hashes.withOutputPaths(candidate);
            if (filled.equals(drv)) {
                rederived.put(aggregator, aggregator);
                continue;
            }
            StorePath path = filled.path();
            hashes.remember(path, filled);
            rederived.put(aggregator, path);
            created.add(new MaskedSystem.NewDerivation(path, filled));
            SortedMap<String, StorePath> newOutputs = filled.outputPaths();
            drv.outputPaths().forEach((output, oldPath) -> rewrites.add(oldPath, newOutputs.get(output)));
        }
        StorePath toplevel = rederived.get(target.toplevel());
        SortedMap<String, StorePath> outputs = hashes.derivation(toplevel).outputPaths();
        return new MaskedSystem(toplevel, outputs, created, effective, maskedKeys);
    }

    private Derivation rederive(Derivation drv, Map<StorePath, StorePath> rederived,
            Map<StorePath, Unit> masked, Rewrites rewrites) {
        SortedMap<StorePath, SortedSet<String>> inputs = new TreeMap<>();
        SortedSet<StorePath> sources = new TreeSet<>(drv.inputSrcs());
        drv.inputDrvs().forEach((input, outputs) -> {
            Unit unit = masked.get(input);
            if (rederived.containsKey(input)) {
                inputs.computeIfAbsent(rederived.get(input), p -> new TreeSet<>()).addAll(outputs);
            } else if (unit == null) {
                inputs.computeIfAbsent(input, p -> new TreeSet<>()).addAll(outputs);
            } else {
                StorePath oldDrv = unit.oldDrv().orElseThrow();
                if (source.read(oldDrv).isPresent()) {
                    inputs.computeIfAbsent(oldDrv, p -> new TreeSet<>()).addAll(outputs);
                } else {
                    // The old .drv is gone: depend on its (still valid) outputs directly.
                    SortedMap<String, StorePath> oldOutputs = source.outputs(oldDrv);
                    outputs.forEach(o -> sources.add(oldOutputs.get(o)));
                }
            }
        });
        SortedMap<String, DerivationOutput> outputs = new TreeMap<>();
        SortedMap<String, String> env = new TreeMap<>();
        drv.env().forEach((name, value) -> env.put(rewrites.apply(name), rewrites.apply(value)));
        drv.outputs().keySet().forEach(output -> {
            outputs.put(output, DerivationOutput.deferred());
            env.put(output, "");
        });
        List<String> args = drv.args().stream().map(rewrites::apply).toList();
        return new Derivation(drv.name(), outputs, inputs, sources, drv.platform(),
                rewrites.apply(drv.builder()), args, env);
    }

    /** The target's aggregators, each after the aggregators it uses. */
    private List<StorePath> inputsFirst() {
        List<StorePath> order = new ArrayList<>();
        Set<StorePath> done = new java.util.HashSet<>();
        visit(target.toplevel(), done, order);
        return order;
    }

    private void visit(StorePath aggregator, Set<StorePath> done, List<StorePath> order) {
        if (!done.add(aggregator)) {
            return;
        }
        for (StorePath input : source.require(aggregator).inputDrvs().keySet()) {
            if (target.aggregators().contains(input)) {
                visit(input, done, order);
            }
        }
        order.add(aggregator);
    }

    private Map<String, String> findUnmaskable() {
        Map<StorePath, SortedSet<String>> used = new HashMap<>();
        for (StorePath aggregator : target.aggregators()) {
            source.require(aggregator).inputDrvs().forEach((input, outputs) -> {
                if (target.units().contains(input)) {
                    used.computeIfAbsent(input, p -> new TreeSet<>()).addAll(outputs);
                }
            });
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Unit unit : units.changed().values()) {
            SortedSet<String> needed = used.getOrDefault(unit.newDrv().orElseThrow(), Collections.emptySortedSet());
            SortedSet<String> missing = new TreeSet<>(needed);
            try {
                missing.removeAll(source.outputs(unit.oldDrv().orElseThrow()).keySet());
            } catch (IllegalArgumentException e) {
                reasons.put(unit.key(), e.getMessage());
                continue;
            }
            if (!missing.isEmpty()) {
                reasons.put(unit.key(), "the target uses outputs " + missing + " that the old "
                        + unit.oldDrv().orElseThrow() + " does not have");
            }
        }
        return reasons;
    }

    /**
     * Store paths to replace as text. Keyed by hash part: one pass over a string finds every
     * {@code /nix/store/<hash>} and swaps the whole path.
     */
    private static final class Rewrites {
        private static final String PREFIX = StorePath.STORE_DIR + "/";
        private final Map<String, String[]> byHash = new HashMap<>();

        void add(StorePath from, StorePath to) {
            if (!from.equals(to)) {
                byHash.put(from.hash(), new String[] {from.path(), to.path()});
            }
        }

        String apply(String text) {
            if (byHash.isEmpty() || !text.contains(PREFIX)) {
                return text;
            }
            StringBuilder out = null;
            int copied = 0;
            int at = text.indexOf(PREFIX);
            while (at >= 0) {
                int hashEnd = at + PREFIX.length() + 32;
                String[] rewrite = hashEnd <= text.length() ? byHash.get(text.substring(at + PREFIX.length(), hashEnd)) : null;
                if (rewrite != null && text.startsWith(rewrite[0], at)) {
                    if (out == null) {
                        out = new StringBuilder(text.length());
                    }
                    out.append(text, copied, at).append(rewrite[1]);
                    copied = at + rewrite[0].length();
                    at = text.indexOf(PREFIX, copied);
                } else {
                    at = text.indexOf(PREFIX, at + 1);
                }
            }
            return out == null ? text : out.append(text, copied, text.length()).toString();
        }
    }
}
