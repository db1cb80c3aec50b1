package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Closures of valid paths and the registration facts of their paths (NAR size, references,
 * deriver), kept by one backend between its garbage collections. While a path stays valid its
 * closure stays valid and never changes, and so do the facts of every path in it; only a
 * collection removes paths (this backend runs every collection a run makes), so after one the
 * backend tells which kept roots are gone ({@link #collected}) and the rest stays true. A run
 * asks the same closures at every step (the initial system's, the target's derivations, the
 * current system before and after the engine sizes a step): each is read from Nix once, and a
 * new step's system reads only the facts of its new paths.
 *
 * <p>It also keeps each derivation's dry run: what it would build and fetch changes only when
 * a path becomes valid (a build or a fetch, which this backend makes with {@link #built}) or
 * invalid (a collection). A plan asks it twice for the same derivation, once to estimate the
 * step and once to list it.
 */
final class KnownClosures {

    private final Map<StorePath, List<StorePath>> closures = new HashMap<>();
    private final Map<StorePath, PathInfo> facts = new HashMap<>();
    // Paths Nix said are valid, outside any kept closure (a step's toplevel and .drv, the
    // initial system's .drv): asked at every phase of every step otherwise.
    private final Set<StorePath> valid = new HashSet<>();
    private final Map<StorePath, DryRun> dryRuns = new HashMap<>();
    // The output paths of each .drv read: a .drv never changes (its path is its content's
    // hash), so they are kept through collections.
    private final Map<StorePath, List<StorePath>> outputs = new HashMap<>();

    /** The kept closure of {@code root}, inputs first, as Nix listed it. */
    synchronized Optional<List<StorePath>> closure(StorePath root) {
        return Optional.ofNullable(closures.get(root));
    }

    synchronized void keep(StorePath root, List<StorePath> closure) {
        closures.put(root, List.copyOf(closure));
    }

    /** The kept facts of {@code path}, a path in a kept closure or one read with it. */
    synchronized Optional<PathInfo> facts(StorePath path) {
        return Optional.ofNullable(facts.get(path));
    }

    synchronized void keep(PathInfo info) {
        facts.put(info.path(), info);
    }

    /** Whether Nix said {@code path} is valid since the last collection, or it is in a kept closure. */
    synchronized boolean valid(StorePath path) {
        return valid.contains(path) || facts.containsKey(path) || closures.containsKey(path);
    }

    synchronized void valid(Collection<StorePath> paths) {
        valid.addAll(paths);
    }

    /** The output paths of {@code drv} when a read of it kept them. */
    synchronized Optional<List<StorePath>> outputs(StorePath drv) {
        return Optional.ofNullable(outputs.get(drv));
    }

    synchronized void keepOutputs(StorePath drv, List<StorePath> paths) {
        outputs.put(drv, List.copyOf(paths));
    }

    /** The kept dry run of {@code drv}, since the last build or collection. */
    synchronized Optional<DryRun> dryRun(StorePath drv) {
        return Optional.ofNullable(dryRuns.get(drv));
    }

    synchronized void keep(StorePath drv, DryRun dryRun) {
        dryRuns.put(drv, dryRun);
    }

    /** After a build (done or failed: it may have built or fetched some paths): dry runs are stale. */
    synchronized void built() {
        dryRuns.clear();
    }

    /**
     * What to ask Nix about after a collection: the roots of the kept closures and the paths
     * known valid.
     */
    synchronized List<StorePath> checkedAfterCollection() {
        Set<StorePath> roots = new HashSet<>(closures.keySet());
        roots.addAll(valid);
        return new ArrayList<>(roots);
    }

    /**
     * After a collection: forgets the roots Nix now names invalid, and the facts of every path
     * no remaining closure holds (it may have been collected, and built again differently).
     */
    synchronized void collected(Collection<StorePath> invalid) {
        invalid.forEach(closures::remove);
        valid.removeAll(invalid);
        dryRuns.clear();
        Set<StorePath> alive = new HashSet<>();
        closures.values().forEach(alive::addAll);
        facts.keySet().retainAll(alive);
    }

    /** Forgets everything: after a collection this backend could not check. */
    synchronized void forget() {
        closures.clear();
        facts.clear();
        valid.clear();
        dryRuns.clear();
    }
}
