package dev.inchworm.testkit;

import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.nix.StoreMaintenance;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.NixVersion;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.api.storage.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * For unit tests of plugins and of the engine (the sandbox host is for the real thing): an
 * in-memory Nix store on a disk of fixed size: packages with sizes and references built
 * from derivations, a system profile with generations, indirect GC roots (symlinks in a real
 * folder, so deleting the link drops the root), live systems, and garbage collection. A build
 * that would pass the disk's size fails with out-of-disk, leaving the outputs that finished
 * (as Nix does). Also the system source: revisions that evaluate to systems.
 *
 * <p>After {@link #crash()} every call throws {@link SimulatedCrash} until {@link #revive()}:
 * a crashed process does nothing more to the host.
 */
public final class MemoryNix implements Nix, StoreMaintenance, SystemSource {

    /** Thrown by everything once the simulated process has crashed. */
    public static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        public SimulatedCrash() {
            super("simulated crash", null, false, false);
        }
    }

    /**
     * A derivation of the fake store and its one output.
     *
     * @param drv        the derivation's path
     * @param out        its output path
     * @param size       the output's size in bytes
     * @param inputDrvs  derivations it is built from
     * @param references what the output references at run time
     */
    public record Drv(StorePath drv, StorePath out, long size, List<StorePath> inputDrvs, List<StorePath> references) {
    }

    private record Entry(long size, List<StorePath> references, StorePath deriver) {
    }

    private final long capacity;
    private final Map<StorePath, Entry> store = new LinkedHashMap<>();
    private final Map<StorePath, Drv> derivations = new HashMap<>();
    private final Set<StorePath> goneDerivations = new HashSet<>();
    private final TreeMap<Integer, Generation> generations = new TreeMap<>();
    private final Map<Path, StorePath> roots = new HashMap<>();
    private final Map<Path, StorePath> derivationRoots = new HashMap<>();
    private final Map<Revision, StorePath> revisions = new LinkedHashMap<>();
    private final Map<Revision, Integer> fullEvaluations = new HashMap<>();
    private final Set<Revision> brokenRevisions = new HashSet<>();
    private final Set<StorePath> failingBuilds = new HashSet<>();
    private final Set<StorePath> failingActivations = new HashSet<>();
    private final Set<StorePath> newKernels = new HashSet<>();
    /** Systems that must never be collected ({@code /run/booted-system}, {@code /run/current-system}). */
    public final List<StorePath> live = new ArrayList<>();
    /** Each activation, as {@code "ACTION NAME"} (e.g. {@code "switch nixos-system-2"}). */
    public final List<String> activations = new ArrayList<>();
    /** Each call, as {@code "method detail"}. */
    public final List<String> calls = new ArrayList<>();
    private StorePath booted;
    /** Each reboot into a system, by {@link #reboot()}. */
    public final List<StorePath> reboots = new ArrayList<>();
    private Revision head;
    private int current;
    private long peakUsed;
    private boolean crashed;

    public MemoryNix(long capacity) {
        this.capacity = capacity;
    }

    // --- building the world ---------------------------------------------------------------

    /** A store path with a hash made from the name. */
    public static StorePath path(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            String alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
            StringBuilder hash = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                hash.append(alphabet.charAt((digest[i] & 0xff) % 32));
            }
            return new StorePath("/nix/store/" + hash + "-" + name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A package: its derivation and output, with runtime dependencies. */
    public Drv pkg(String name, long size, Drv... deps) {
        List<StorePath> inputs = new ArrayList<>();
        List<StorePath> refs = new ArrayList<>();
        for (Drv dep : deps) {
            inputs.add(dep.drv());
            refs.add(dep.out());
        }
        Drv drv = new Drv(path(name + ".drv"), path(name), size, inputs, refs);
        derivations.put(drv.drv(), drv);
        return drv;
    }

    /** A system toplevel (4 KiB) referencing packages. */
    public Drv system(String name, Drv... packages) {
        return pkg("nixos-system-" + name, 4096, packages);
    }

    /** A revision of the source that evaluates to {@code system}; the last one added is HEAD. */
    public Revision revision(int n, Drv system) {
        Revision revision = new Revision(String.format("%040x", n));
        revisions.put(revision, system.drv());
        head = revision;
        return revision;
    }

    /** Installs a system as generation 1 (or the next), already built. */
    public Generation install(Drv system) {
        realise(system.drv(), Optional.empty(), line -> { });
        Generation g = setSystem(system.out());
        activations.clear();
        calls.clear();
        peakUsed = used();
        return g;
    }

    public void failBuildOf(Drv drv) {
        failingBuilds.add(drv.drv());
    }

    public void failActivationOf(Drv system) {
        failingActivations.add(system.out());
    }

    /** From now on {@link #bootFilesChanged} says this system's kernel differs from the booted one's. */
    public void newKernelIn(Drv system) {
        newKernels.add(system.out());
    }

    public void breakEvaluationOf(Revision revision) {
        brokenRevisions.add(revision);
    }

    /**
     * The next {@code times} evaluations of {@code revision} run out of disk, as SQLite says it
     * when the database cannot grow ("database or disk is full").
     */
    public void fillDiskWhileEvaluating(Revision revision, int times) {
        fullEvaluations.put(revision, times);
    }

    /** The derivation is no longer in the store (collected, or the system was substituted). */
    public void forgetDerivation(Drv drv) {
        goneDerivations.add(drv.drv());
    }

    /** From now on every call throws {@link SimulatedCrash}. */
    public void crash() {
        crashed = true;
    }

    /** Ends {@link #crash()}. */
    public void revive() {
        crashed = false;
    }

    private void alive(String call) {
        if (crashed) {
            throw new SimulatedCrash();
        }
        calls.add(call);
    }

    /** Bytes of the valid paths. */
    public long used() {
        return store.values().stream().mapToLong(Entry::size).sum();
    }

    /** The highest usage so far. */
    public long peakUsed() {
        return peakUsed;
    }

    /** The disk as a probe would measure it. */
    public Volume volume() {
        return new Volume(StorePath.STORE_DIR, capacity, capacity - used(), 0, 0);
    }

    /** The valid (non-derivation) paths. */
    public Set<StorePath> validPaths() {
        return Set.copyOf(store.keySet());
    }

    /** The toplevel of the current generation. */
    public StorePath currentToplevel() {
        return generations.get(current).toplevel();
    }

    /** The host a plugin under test sees: this store and source; no commands; storage from {@link #volume()}. */
    public Host host(Path stateDir) {
        return new MemoryHost(this, stateDir);
    }

    /** Plugin notes kept in memory (see {@link MemoryNotes}). */
    public static PluginState notes() {
        return new MemoryNotes();
    }

    // --- Nix ------------------------------------------------------------------------------

    @Override
    public NixVersion version() {
        alive("version");
        return NixVersion.parse("2.8.0");
    }

    @Override
    public List<StorePath> realise(StorePath drv, Optional<Path> gcRoot, Consumer<String> progress) {
        alive("realise " + drv.name());
        Drv top = derivation(drv);
        build(top, progress, new HashSet<>());
        gcRoot.ifPresent(root -> {
            try {
                Files.createDirectories(root.getParent());
                Files.deleteIfExists(root);
                Files.createSymbolicLink(root, Path.of(top.out().path()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            roots.put(root, top.out());
        });
        return List.of(top.out());
    }

    private void build(Drv drv, Consumer<String> progress, Set<StorePath> seen) {
        if (!seen.add(drv.drv()) || store.containsKey(drv.out())) {
            return;
        }
        for (StorePath input : drv.inputDrvs()) {
            build(derivation(input), progress, seen);
        }
        if (failingBuilds.contains(drv.drv())) {
            throw new NixException(new NixFailure.BuilderFailed(Optional.of(drv.drv()),
                    "builder for '" + drv.drv() + "' failed with exit code 1"), List.of("nix-store", "--realise"));
        }
        if (used() + drv.size() > capacity) {
            peakUsed = capacity;
            throw new NixException(new NixFailure.OutOfDisk(false, "writing to file: No space left on device"),
                    List.of("nix-store", "--realise", drv.drv().path()));
        }
        progress.accept("building '" + drv.drv() + "'");
        store.put(drv.out(), new Entry(drv.size(), drv.references(), drv.drv()));
        peakUsed = Math.max(peakUsed, used());
    }

    private Drv derivation(StorePath drv) {
        Drv found = derivations.get(drv);
        if (found == null || goneDerivations.contains(drv)) {
            throw new NixException(new NixFailure.Other(1, "path '" + drv + "' is not valid"), List.of("nix-store"));
        }
        return found;
    }

    @Override
    public DryRun dryRun(StorePath drv) {
        alive("dryRun " + drv.name());
        List<StorePath> toBuild = new ArrayList<>();
        Deque<StorePath> todo = new ArrayDeque<>(List.of(drv));
        Set<StorePath> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Drv d = derivation(todo.pop());
            if (seen.add(d.drv()) && !store.containsKey(d.out())) {
                toBuild.add(d.drv());
                todo.addAll(d.inputDrvs());
            }
        }
        return new DryRun(toBuild, List.of(), OptionalLong.empty(), OptionalLong.empty());
    }

    @Override
    public boolean isValid(StorePath path) {
        alive("isValid");
        return store.containsKey(path) || (derivations.containsKey(path) && !goneDerivations.contains(path));
    }

    @Override
    public long narSize(StorePath path) {
        alive("narSize");
        return entry(path).size();
    }

    private Entry entry(StorePath path) {
        Entry e = store.get(path);
        if (e == null) {
            throw new NixException(new NixFailure.Other(1, "path '" + path + "' is not valid"), List.of("nix-store"));
        }
        return e;
    }

    @Override
    public long closureSize(StorePath path) {
        alive("closureSize");
        return runtimeClosure(List.of(path)).stream().mapToLong(p -> entry(p).size()).sum();
    }

    private Set<StorePath> runtimeClosure(Collection<StorePath> from) {
        Set<StorePath> seen = new LinkedHashSet<>();
        Deque<StorePath> todo = new ArrayDeque<>(from);
        while (!todo.isEmpty()) {
            StorePath p = todo.pop();
            if (store.containsKey(p) && seen.add(p)) {
                todo.addAll(store.get(p).references());
            }
        }
        return seen;
    }

    @Override
    public List<StorePath> closure(StorePath path, boolean includeOutputs) {
        alive("closure");
        if (!path.isDerivation()) {
            return List.copyOf(runtimeClosure(List.of(path)));
        }
        List<StorePath> result = new ArrayList<>();
        Deque<StorePath> todo = new ArrayDeque<>(List.of(path));
        Set<StorePath> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Drv d = derivation(todo.pop());
            if (seen.add(d.drv())) {
                result.add(d.drv());
                if (includeOutputs && store.containsKey(d.out())) {
                    result.add(d.out());
                }
                todo.addAll(d.inputDrvs());
            }
        }
        return result;
    }

    @Override
    public List<PathInfo> pathInfo(Collection<StorePath> paths) {
        alive("pathInfo");
        List<PathInfo> infos = new ArrayList<>();
        for (StorePath p : paths) {
            Entry e = store.get(p);
            if (e != null) {
                infos.add(new PathInfo(p, e.size(), e.references(), Optional.ofNullable(e.deriver())));
            }
        }
        return infos;
    }

    @Override
    public Map<String, StorePath> outputs(StorePath drv) {
        alive("outputs");
        return Map.of("out", derivation(drv).out());
    }

    @Override
    public String readDerivation(StorePath drv) {
        throw new UnsupportedOperationException("the fake store has no ATerm");
    }

    @Override
    public StorePath addDerivation(String name, String aterm) {
        throw new UnsupportedOperationException("the fake store has no ATerm");
    }

    @Override
    public List<Generation> generations() {
        alive("generations");
        return List.copyOf(generations.values());
    }

    @Override
    public Optional<Generation> currentGeneration() {
        alive("currentGeneration");
        return Optional.ofNullable(generations.get(current));
    }

    @Override
    public Generation setSystem(StorePath toplevel) {
        alive("setSystem " + toplevel.name());
        if (!store.containsKey(toplevel)) {
            throw new NixException(new NixFailure.Other(1, "path '" + toplevel + "' is not valid"), List.of("nix-env"));
        }
        int number = generations.isEmpty() ? 1 : generations.lastKey() + 1;
        point(number, toplevel);
        return generations.get(number);
    }

    private void point(int number, StorePath toplevel) {
        generations.replaceAll((n, g) -> new Generation(n, g.created(), false, g.toplevel()));
        generations.put(number, new Generation(number, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(number),
                true, toplevel));
        current = number;
    }

    @Override
    public void switchGeneration(int number) {
        alive("switchGeneration " + number);
        Generation g = generations.get(number);
        if (g == null) {
            throw new NixException(new NixFailure.Other(1, "generation " + number + " does not exist"), List.of("nix-env"));
        }
        point(number, g.toplevel());
    }

    @Override
    public void deleteGenerations(Collection<Integer> numbers) {
        alive("deleteGenerations " + numbers);
        for (int n : numbers) {
            if (n != current) {
                generations.remove(n);
            }
        }
    }

    @Override
    public void switchToConfiguration(StorePath toplevel, SwitchAction action) {
        alive("switchToConfiguration " + toplevel.name());
        if (failingActivations.contains(toplevel)) {
            throw new NixException(new NixFailure.Other(1, "activation script failed"), List.of("switch-to-configuration"));
        }
        activations.add(action.argument() + " " + toplevel.name());
    }

    /** Marks {@code toplevel} as the booted system: a live system (a GC root) until the next boot. */
    public void boot(StorePath toplevel) {
        if (booted != null) {
            live.remove(booted);
        }
        booted = toplevel;
        if (!live.contains(toplevel)) {
            live.add(toplevel);
        }
    }

    /** A reboot: the host boots what its system profile points at, as the bootloader's default entry. */
    public void reboot() {
        StorePath into = currentToplevel();
        reboots.add(into);
        boot(into);
    }

    @Override
    public Optional<StorePath> bootedSystem() {
        alive("bootedSystem");
        return Optional.ofNullable(booted);
    }

    @Override
    public Set<dev.inchworm.api.nix.BootFile> bootFilesChanged(StorePath toplevel) {
        alive("bootFilesChanged");
        return newKernels.contains(toplevel) ? Set.of(dev.inchworm.api.nix.BootFile.KERNEL) : Set.of();
    }

    @Override
    public List<StorePath> liveSystems() {
        alive("liveSystems");
        return List.copyOf(live);
    }

    @Override
    public GcResult collectGarbage(OptionalLong maxFreedBytes) {
        alive("collectGarbage");
        long freed = 0;
        long deleted = 0;
        for (StorePath dead : dead()) {
            if (maxFreedBytes.isPresent() && freed >= maxFreedBytes.getAsLong()) {
                break;
            }
            freed += store.remove(dead).size();
            deleted++;
        }
        return new GcResult(deleted, freed);
    }

    /**
     * Notes a derivation root. The memory store never collects derivations (only outputs), so
     * the root is kept in memory, not as a link: nothing about the store changes.
     */
    @Override
    public void rootDerivation(StorePath drv, Path root) {
        alive("rootDerivation " + drv.name());
        if (!isValid(drv) || !drv.isDerivation()) {
            throw new NixException(new NixFailure.Other(1, "not a valid derivation: " + drv),
                    List.of("nix-instantiate", "--add-root"));
        }
        derivationRoots.put(root, drv);
    }

    /** The derivations the engine asked to keep, by the root it named. */
    public Map<Path, StorePath> derivationRoots() {
        return Map.copyOf(derivationRoots);
    }

    /** The memory store has no database to wedge: a plain collection. */
    @Override
    public GcResult recoverFullStore() {
        return collectGarbage(OptionalLong.empty());
    }

    private List<StorePath> dead() {
        List<StorePath> rootPaths = new ArrayList<>(live);
        generations.values().forEach(g -> rootPaths.add(g.toplevel()));
        roots.entrySet().removeIf(e -> !Files.isSymbolicLink(e.getKey()));
        rootPaths.addAll(roots.values());
        Set<StorePath> reachable = runtimeClosure(rootPaths);
        return store.keySet().stream().filter(p -> !reachable.contains(p)).toList();
    }

    @Override
    public List<StorePath> deadPaths() {
        alive("deadPaths");
        return dead();
    }

    @Override
    public boolean verifyStore(boolean checkContents) {
        alive("verifyStore");
        return true;
    }

    // --- SystemSource ---------------------------------------------------------------------

    @Override
    public Revision resolve(String ref) {
        alive("resolve " + ref);
        if (ref.equals("HEAD")) {
            return head;
        }
        return revisions.keySet().stream().filter(r -> r.commit().startsWith(ref)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown revision " + ref));
    }

    @Override
    public List<Revision> firstParentCommits(Revision from, Revision to) {
        alive("firstParentCommits");
        List<Revision> all = new ArrayList<>(revisions.keySet());
        return all.subList(all.indexOf(from) + 1, all.indexOf(to) + 1);
    }

    private volatile long reservedMissing;

    /** Makes Nix's reserved file short by {@code bytes} (missing: its whole size), as after a collection on a full disk. */
    public void reservedMissing(long bytes) {
        reservedMissing = bytes;
    }

    @Override
    public java.util.OptionalLong reservedSpaceMissing() {
        return java.util.OptionalLong.of(reservedMissing);
    }

    @Override
    public boolean isAncestor(Revision ancestor, Revision descendant) {
        List<Revision> all = new ArrayList<>(revisions.keySet());
        return all.contains(ancestor) && all.indexOf(ancestor) <= all.indexOf(descendant);
    }

    @Override
    public Evaluation evaluate(Revision revision) {
        alive("evaluate " + revision.shortId());
        if (fullEvaluations.getOrDefault(revision, 0) > 0) {
            fullEvaluations.merge(revision, -1, Integer::sum);
            throw new NixException(new NixFailure.EvaluationFailed("error: writing to file: database or disk is full"),
                    List.of("nix-instantiate"));
        }
        if (brokenRevisions.contains(revision)) {
            throw new NixException(new NixFailure.EvaluationFailed("error: undefined variable 'oops'"),
                    List.of("nix-instantiate"));
        }
        StorePath drv = revisions.get(revision);
        return new Evaluation(revision, drv, derivations.get(drv).out());
    }
}
