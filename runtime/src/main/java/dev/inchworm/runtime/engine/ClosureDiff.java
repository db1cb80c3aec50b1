package dev.inchworm.runtime.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.strategy.UnitChange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The packages an upgrade changes, as {@code nvd diff} shows two systems: by name, added,
 * removed, or changed with the old and new versions and sizes, for any strategy.
 *
 * <p>The current system's closure is read from the store. The target's is too when it is
 * already built; otherwise it is inferred from its derivations before anything is built: from
 * the target's {@code .drv}, an input counts as part of the running system when the current
 * system has the same edge (a package of that name referencing one of that name) or when its
 * name is new; fixed-output inputs (sources) never count. A new output's size is its NAR size
 * when it is in the store already, else the current size of its name (an estimate), else 0.
 *
 * @param packages       the changed packages, by name
 * @param rebuilt        names whose versions stay but whose store paths change (a dependency changed)
 * @param oldBytes       the current closure's NAR bytes
 * @param newBytes       the target closure's bytes (estimated unless {@code newBytesExact})
 * @param newBytesExact  whether the target was built, so its closure and sizes are read, not inferred
 */
public record ClosureDiff(List<UnitChange> packages, int rebuilt, long oldBytes, long newBytes, boolean newBytesExact) {

    public ClosureDiff {
        packages = List.copyOf(packages);
    }

    /** The difference from the closure of {@code current} to the target's. */
    public static ClosureDiff between(Nix nix, StorePath current, Evaluation target) {
        Map<StorePath, PathInfo> old = byPath(nix.closureInfo(current));
        Set<List<String>> oldEdges = new HashSet<>();
        Set<String> oldNames = new HashSet<>();
        for (PathInfo info : old.values()) {
            String from = PackageName.of(info.path()).name();
            oldNames.add(from);
            for (StorePath ref : info.references()) {
                if (!ref.equals(info.path())) {
                    oldEdges.add(List.of(from, PackageName.of(ref).name()));
                }
            }
        }
        if (nix.isValid(target.toplevel())) {
            Map<StorePath, PathInfo> built = byPath(nix.closureInfo(target.toplevel()));
            Map<StorePath, Long> sizes = new HashMap<>();
            built.forEach((path, info) -> sizes.put(path, info.narSize()));
            return compare(old, sizes, true);
        }
        Set<String> buildOnly = buildOnlyNames(nix, old.get(current), oldNames);
        Set<List<String>> oldOutputs = new HashSet<>();
        old.keySet().forEach(p -> oldOutputs.add(List.of(PackageName.of(p).name(), PackageName.of(p).output())));
        Set<StorePath> outputs = inferredOutputs(nix, target.drv(), oldEdges, oldNames, buildOnly, oldOutputs);
        Map<StorePath, PathInfo> known = byPath(nix.pathInfo(outputs));
        Map<String, Long> oldSizeOfName = new HashMap<>();
        old.values().forEach(i -> oldSizeOfName.merge(PackageName.of(i.path()).name(), i.narSize(), Math::max));
        Map<StorePath, Long> sizes = new HashMap<>();
        for (StorePath out : outputs) {
            PathInfo info = known.get(out);
            sizes.put(out, info != null ? info.narSize() : oldSizeOfName.getOrDefault(PackageName.of(out).name(), 0L));
        }
        return compare(old, sizes, false);
    }

    /**
     * Names the current system was built with but does not hold (compilers, build tools), from
     * its own derivation when the store still has it; empty otherwise.
     */
    private static Set<String> buildOnlyNames(Nix nix, PathInfo current, Set<String> oldNames) {
        Set<String> names = new HashSet<>();
        if (current == null || current.deriver().isEmpty() || !nix.isValid(current.deriver().get())) {
            return names;
        }
        for (StorePath path : nix.closure(current.deriver().get(), false)) {
            String name = PackageName.of(path).name();
            if (path.isDerivation() && !oldNames.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** The outputs of the target's derivations that its running system would hold, as inferred above. */
    private static Set<StorePath> inferredOutputs(Nix nix, StorePath targetDrv, Set<List<String>> oldEdges,
                                                  Set<String> oldNames, Set<String> buildOnly,
                                                  Set<List<String>> oldOutputs) {
        List<StorePath> drvs = nix.closure(targetDrv, false).stream().filter(StorePath::isDerivation).toList();
        // Streamed, and only the shape kept: a NixOS closure's .drv texts and their environments
        // held at once were most of the plan's live heap.
        Map<StorePath, Shape> derivations = new HashMap<>();
        nix.forEachDerivation(drvs, (path, aterm) -> derivations.put(path, Shape.of(Derivation.read(path, aterm))));
        Set<StorePath> kept = new HashSet<>(List.of(targetDrv));
        Deque<StorePath> queue = new ArrayDeque<>(List.of(targetDrv));
        Set<StorePath> outputs = new HashSet<>();
        while (!queue.isEmpty()) {
            Shape parent = derivations.get(queue.poll());
            if (parent == null) {
                continue;
            }
            String parentName = PackageName.of(parent.name()).name();
            parent.outputPaths().forEach((output, path) -> {
                // A second output (dev, man) counts when the current system holds that output of the name.
                if (output.equals("out") || oldOutputs.contains(List.of(parentName, output))) {
                    outputs.add(path);
                }
            });
            for (StorePath input : parent.inputs()) {
                Shape child = derivations.get(input);
                if (child == null || child.fixedOutput() || kept.contains(input)) {
                    continue;
                }
                String childName = PackageName.of(child.name()).name();
                boolean isNew = !oldNames.contains(childName) && !buildOnly.contains(childName);
                if (oldEdges.contains(List.of(parentName, childName)) || isNew) {
                    kept.add(input);
                    queue.add(input);
                }
            }
        }
        return outputs;
    }

    /** What the inference reads of a derivation: its name, outputs, input derivations, whether it is a source. */
    private record Shape(String name, Map<String, StorePath> outputPaths, Set<StorePath> inputs, boolean fixedOutput) {
        static Shape of(Derivation d) {
            return new Shape(d.name(), d.outputPaths(), Set.copyOf(d.inputDrvs().keySet()), d.isFixedOutput());
        }
    }

    private static ClosureDiff compare(Map<StorePath, PathInfo> old, Map<StorePath, Long> target, boolean exact) {
        Map<String, Side> before = new TreeMap<>();
        old.values().forEach(i -> before.computeIfAbsent(PackageName.of(i.path()).name(), n -> new Side())
                .add(i.path(), i.narSize()));
        Map<String, Side> after = new TreeMap<>();
        target.forEach((path, bytes) -> after.computeIfAbsent(PackageName.of(path).name(), n -> new Side())
                .add(path, bytes));
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        List<UnitChange> changes = new ArrayList<>();
        int rebuilt = 0;
        for (String name : names) {
            Side was = before.get(name);
            Side will = after.get(name);
            if (was == null) {
                changes.add(new UnitChange(name, "", will.versions(), 0, will.bytes, UnitChange.Change.ADDED));
            } else if (will == null) {
                changes.add(new UnitChange(name, was.versions(), "", was.bytes, 0, UnitChange.Change.REMOVED));
            } else if (!was.versions().equals(will.versions())) {
                changes.add(new UnitChange(name, was.versions(), will.versions(), was.bytes, will.bytes,
                        UnitChange.Change.CHANGED));
            } else if (!was.paths.equals(will.paths)) {
                rebuilt++;
            }
        }
        long oldBytes = old.values().stream().mapToLong(PathInfo::narSize).sum();
        long newBytes = target.values().stream().mapToLong(Long::longValue).sum();
        return new ClosureDiff(changes, rebuilt, oldBytes, newBytes, exact);
    }

    /** Whether nothing changes by name and version. */
    @JsonIgnore
    public boolean isEmpty() {
        return packages.isEmpty();
    }

    private static Map<StorePath, PathInfo> byPath(List<PathInfo> infos) {
        Map<StorePath, PathInfo> map = new HashMap<>();
        infos.forEach(i -> map.put(i.path(), i));
        return map;
    }

    /** One name's store paths on one side, their versions and bytes. */
    private static final class Side {
        final Set<StorePath> paths = new HashSet<>();
        final Set<String> versions = new TreeSet<>();
        long bytes;

        void add(StorePath path, long size) {
            if (paths.add(path)) {
                String version = PackageName.of(path).version();
                if (!version.isEmpty()) {
                    versions.add(version);
                }
                bytes += size;
            }
        }

        String versions() {
            return String.join(", ", versions);
        }
    }
}
