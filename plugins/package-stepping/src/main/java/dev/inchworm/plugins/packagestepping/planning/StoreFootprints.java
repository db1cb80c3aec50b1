package dev.inchworm.plugins.packagestepping.planning;

import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.plugins.packagestepping.derivation.DerivationSource;
import dev.inchworm.plugins.packagestepping.masking.DrvName;
import dev.inchworm.plugins.packagestepping.masking.Masking;
import dev.inchworm.plugins.packagestepping.masking.Unit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The footprints of an upgrade's units, from the store's facts about the current system and,
 * when a binary cache holds the target's outputs, the cache's.
 *
 * <p>Old items: the runtime closure of a unit's old outputs in the current system, without
 * what the unchanged units hold (that stays whatever the plan). New items: the runtime closure
 * of its new outputs as a binary cache's narinfo gives it (exact); otherwise an estimate from
 * its new derivation closure: every output there that the store does not hold, and whose
 * counterpart (same name without version, same output) the current system has, is an item of
 * the counterpart's size times the growth factor. An output shared by several units' closures
 * (a rebuilt library) is one item, counted once. Outputs without a counterpart (build-time
 * only tools, new packages) are not counted: they are transient or unknown.
 *
 * <p>Sources: every fixed-output derivation of the new closure whose output the store lacks,
 * and which a derivation to build takes as input, is a source tied to that derivation's output,
 * which is then an item of the unit ({@link #sources}: the planner counts the source in the step
 * that builds that output, and not after: the step's collection takes it). Its size, in this order: a binary cache's narinfo;
 * the old counterpart of the output it is built into (a source is taken to be as big as the
 * package built from it: a compressed tarball is smaller than what it unpacks to, but a build
 * unpacks it next to itself, so the pair errs high rather than low); else the median path of
 * the current system. Once a step built the unit, the shared estimator's learned share of
 * its peak replaces the counterpart (see docs/estimates.md).
 */
public final class StoreFootprints {

    /**
     * The sizes of one unit, for people: its old closure and its new one (estimated unless
     * from a cache), each without what the unchanged units share.
     */
    public record UnitSize(long oldBytes, long newBytes, boolean newFromCache) {
    }

    private final Map<String, Footprint> footprints = new LinkedHashMap<>();
    private final Map<String, Long> itemBytes = new HashMap<>();
    private final Map<String, UnitSize> sizes = new LinkedHashMap<>();
    /** For each output built from sources the store lacks, those sources (one map for every unit). */
    private final Map<String, List<String>> sources = new HashMap<>();
    private final Function<String, OptionalLong> learnedPeak;
    private final Map<StorePath, PathInfo> cache;
    private final long median;

    /**
     * @param masking   the upgrade's cut and units
     * @param source    where derivations are read (the target's closure must be readable)
     * @param current   the store's facts about every path of the current system's closure
     * @param cache     a binary cache's facts about the target's new paths (may be empty)
     * @param pinned    paths that stay whatever the plan: the closures of the booted system and
     *                  of the generations kept for a rollback
     * @param growth    the factor from an old output's size to its rebuilt counterpart's
     */
    public StoreFootprints(Masking masking, DerivationSource source, Map<StorePath, PathInfo> current,
                           Map<StorePath, PathInfo> cache, Set<StorePath> pinned, double growth) {
        this(masking, source, current, cache, pinned, growth, unit -> OptionalLong.empty());
    }

    /**
     * @param learnedPeak what a step that built a unit (by package name) measured of it at its
     *                    peak, when this host built it before (the shared estimator's notes)
     */
    public StoreFootprints(Masking masking, DerivationSource source, Map<StorePath, PathInfo> current,
                           Map<StorePath, PathInfo> cache, Set<StorePath> pinned, double growth,
                           Function<String, OptionalLong> learnedPeak) {
        this.learnedPeak = learnedPeak;
        this.cache = cache;
        List<Long> all = current.values().stream().map(PathInfo::narSize).sorted().toList();
        this.median = all.isEmpty() ? 0 : all.get(all.size() / 2);
        current.forEach((path, info) -> itemBytes.put(path.path(), info.narSize()));
        cache.forEach((path, info) -> itemBytes.putIfAbsent(path.path(), info.narSize()));
        Map<String, PathInfo> counterparts = counterparts(current.values());
        Set<String> base = new HashSet<>();
        Set<String> pinnedItems = new HashSet<>();
        pinned.forEach(p -> pinnedItems.add(p.path()));
        for (Unit unit : masking.units().unchanged().values()) {
            base.addAll(closure(validOutputs(source, unit.oldDrv().orElseThrow(), current), current));
        }
        Set<String> forced = new HashSet<>(masking.unmaskable().keySet());
        forced.addAll(masking.units().added().keySet());
        forced.addAll(masking.units().removed().keySet());
        for (Unit unit : masking.units().all()) {
            if (unit.change() == Unit.Change.UNCHANGED) {
                continue;
            }
            Set<String> oldItems = new HashSet<>();
            unit.oldDrv().ifPresent(drv -> oldItems.addAll(closure(validOutputs(source, drv, current), current)));
            oldItems.removeAll(base);
            long oldBytes = bytes(oldItems);
            oldItems.removeAll(pinnedItems);
            Set<String> newItems = new HashSet<>();
            boolean fromCache = false;
            if (unit.newDrv().isPresent()) {
                Collection<StorePath> outputs = source.outputs(unit.newDrv().get()).values();
                if (!outputs.isEmpty() && cache.keySet().containsAll(outputs)) {
                    Map<StorePath, PathInfo> both = new HashMap<>(current);
                    both.putAll(cache);
                    newItems.addAll(closure(outputs, both));
                    fromCache = true;
                } else {
                    newItems.addAll(estimate(unit.newDrv().get(), source, current, counterparts, growth));
                }
            }
            newItems.removeAll(base);
            long newBytes = bytes(newItems);
            newItems.removeAll(pinnedItems);
            footprints.put(unit.key(), new Footprint(unit.key(), oldItems, newItems, forced.contains(unit.key())));
            sizes.put(unit.key(), new UnitSize(oldBytes, newBytes, fromCache));
        }
    }

    /** The footprints of the units that change (added, removed and changed ones). */
    public List<Footprint> footprints() {
        return List.copyOf(footprints.values());
    }

    /** For each new item built from sources the store lacks, those sources (sized in {@link #itemBytes}). */
    public Map<String, List<String>> sources() {
        Map<String, List<String>> some = new HashMap<>();
        sources.forEach((built, list) -> {
            if (!list.isEmpty()) {
                some.put(built, list);
            }
        });
        return some;
    }

    /** The size of every item the footprints name. */
    public Map<String, Long> itemBytes() {
        return Map.copyOf(itemBytes);
    }

    /** Old and new bytes of each changing unit, by key. */
    public Map<String, UnitSize> sizes() {
        return sizes;
    }

    private Set<String> estimate(StorePath drv, DerivationSource source, Map<StorePath, PathInfo> current,
                                 Map<String, PathInfo> counterparts, double growth) {
        Set<String> items = new HashSet<>();
        Set<StorePath> seen = new HashSet<>();
        Deque<StorePath> queue = new ArrayDeque<>(List.of(drv));
        while (!queue.isEmpty()) {
            StorePath path = queue.poll();
            if (!seen.add(path)) {
                continue;
            }
            Optional<Derivation> read = source.read(path);
            if (read.isEmpty()) {
                continue;
            }
            Derivation d = read.get();
            queue.addAll(d.inputDrvs().keySet());
            if (d.isFixedOutput()) {
                continue; // a source: counted below, with the derivation built from it
            }
            String name = DrvName.parse(d.name()).name();
            Collection<StorePath> outs = d.outputPaths().values();
            if (!outs.isEmpty() && !current.keySet().containsAll(outs) && addSources(d, name, source, current, counterparts)) {
                // What the sources are built into is an item (unsized without a counterpart), so
                // that the planner counts them with the step that builds it.
                items.add(builtInto(d));
            }
            d.outputPaths().forEach((output, out) -> {
                if (current.containsKey(out)) {
                    items.add(out.path());
                } else {
                    PathInfo counterpart = counterparts.get(name + "!" + output);
                    if (counterpart != null) {
                        items.add(out.path());
                        itemBytes.putIfAbsent(out.path(), Math.round(counterpart.narSize() * growth));
                    }
                }
            });
        }
        return items;
    }

    /** The output of {@code d} its sources are tied to: {@code out}, else its first. */
    private static String builtInto(Derivation d) {
        return d.outputPaths().getOrDefault("out", d.outputPaths().values().iterator().next()).path();
    }

    /**
     * Notes the sources {@code d} is built from that the store lacks, tied to its output (once:
     * a derivation's inputs never change); true when it has any.
     */
    private boolean addSources(Derivation d, String name, DerivationSource source, Map<StorePath, PathInfo> current,
                               Map<String, PathInfo> counterparts) {
        String builtInto = builtInto(d);
        List<String> known = sources.get(builtInto);
        if (known != null) {
            return !known.isEmpty();
        }
        List<String> found = new ArrayList<>();
        for (StorePath input : d.inputDrvs().keySet()) {
            Optional<Derivation> read = source.read(input);
            if (read.isEmpty() || !read.get().isFixedOutput()) {
                continue;
            }
            for (StorePath out : read.get().outputPaths().values()) {
                if (!current.containsKey(out)) {
                    found.add(out.path());
                    itemBytes.computeIfAbsent(out.path(), p -> sourceBytes(out, name, counterparts));
                }
            }
        }
        sources.put(builtInto, found.isEmpty() ? List.of() : List.copyOf(found));
        return !found.isEmpty();
    }

    /** A missing source's size: the cache's, what was learned, the counterpart's of what it builds, the median. */
    private long sourceBytes(StorePath out, String builtName, Map<String, PathInfo> counterparts) {
        PathInfo cached = cache.get(out);
        if (cached != null) {
            return cached.narSize();
        }
        PathInfo counterpart = counterparts.get(builtName + "!out");
        OptionalLong learned = learnedPeak.apply(builtName);
        if (learned.isPresent() && counterpart != null) {
            // The learned peak covers the unit's outputs and its sources: the rest is the source.
            return Math.max(0, learned.getAsLong() - counterpart.narSize());
        }
        return counterpart != null ? counterpart.narSize() : median;
    }

    /** Old paths by name without version and output name, e.g. {@code openssl!dev}. */
    private static Map<String, PathInfo> counterparts(Collection<PathInfo> infos) {
        Map<String, PathInfo> byName = new HashMap<>();
        for (PathInfo info : infos) {
            String key;
            Optional<StorePath> deriver = info.deriver().filter(StorePath::isDerivation);
            String pathName = info.path().name();
            if (deriver.isPresent() && (pathName.equals(Derivation.nameOf(deriver.get()))
                    || pathName.startsWith(Derivation.nameOf(deriver.get()) + "-"))) {
                String drvName = Derivation.nameOf(deriver.get());
                String output = pathName.equals(drvName) ? "out" : pathName.substring(drvName.length() + 1);
                key = DrvName.parse(drvName).name() + "!" + output;
            } else {
                key = DrvName.parse(pathName).name() + "!out";
            }
            byName.merge(key, info, (a, b) -> a.narSize() >= b.narSize() ? a : b);
        }
        return byName;
    }

    private static List<StorePath> validOutputs(DerivationSource source, StorePath drv, Map<StorePath, PathInfo> current) {
        try {
            return source.outputs(drv).values().stream().filter(current::containsKey).toList();
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static Set<String> closure(Collection<StorePath> roots, Map<StorePath, PathInfo> infos) {
        Set<String> seen = new HashSet<>();
        Deque<StorePath> queue = new ArrayDeque<>(roots);
        while (!queue.isEmpty()) {
            StorePath path = queue.poll();
            if (!seen.add(path.path())) {
                continue;
            }
            PathInfo info = infos.get(path);
            if (info != null) {
                queue.addAll(info.references());
            }
        }
        return seen;
    }

    private long bytes(Set<String> items) {
        return items.stream().mapToLong(i -> itemBytes.getOrDefault(i, 0L)).sum();
    }
}
