package dev.inchworm.plugins.packagestepping.derivation;

import dev.inchworm.api.nix.derivation.ModuloHashes;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.plugins.packagestepping.masking.Cut;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The production {@link DerivationSource}: the host's store through {@link Nix}, read in bulk
 * and kept. {@link #prefetch} reads a whole derivation closure with two streamed commands (its
 * requisites, then every {@code .drv} not read yet, one after the other); later reads of those
 * cost nothing. Outputs of derivations that are gone are known from the derivers the store
 * recorded for valid paths ({@link #learnDerivers}). Not thread-safe.
 *
 * <p>To hold a system of tens of thousands of derivations in a small heap, only cheap
 * derivations (the candidates for the aggregator layer, see {@link Cut#isCheap}) and the roots
 * asked for are kept whole. Of the others, each a package, only what the cut, the units and
 * the sizes need is kept (name, outputs, inputs, and the two variables that make a derivation
 * cheap), and their {@code hashDerivationModulo} is computed while their whole text is at hand
 * ({@link #moduloHashes}): {@code nix-store --query --requisites} lists a closure inputs
 * first, so each one's inputs are hashed before it. One whose inputs were not hashed yet is
 * kept whole.
 *
 * <p>What was read is kept in a {@link Memory} that may outlive this source (one per run: the
 * derivation at a path never changes); this source answers only for paths it has seen in the
 * store itself (in a closure it prefetched, or read one by one), so a derivation collected
 * since an earlier source read it reads as gone here.
 */
public final class StoreDerivations implements DerivationSource {

    /** The environment variables a package's derivation keeps: those {@link Cut#isCheap} reads. */
    private static final Set<String> KEPT_ENV = Set.of("preferLocalBuild", "allowSubstitutes");

    /** Derivations read, by path, and their modulo hashes: kept for a run. */
    public static final class Memory {
        private final Map<StorePath, Derivation> derivations = new HashMap<>();
        private final Map<StorePath, SortedMap<String, byte[]>> hashes = new HashMap<>();
        private final Map<String, StorePath> paths = new HashMap<>();
        private final Map<StorePath, List<StorePath>> closures = new HashMap<>();

        StorePath intern(String path) {
            StorePath known = paths.get(path);
            if (known == null) {
                known = new StorePath(path);
                paths.put(path, known);
            }
            return known;
        }

        /** How many derivations are kept. */
        public int size() {
            return derivations.size();
        }
    }

    private final Nix nix;
    private final Memory memory;
    private final Set<StorePath> seen = new HashSet<>();
    private final Set<StorePath> gone = new HashSet<>();
    private final Map<StorePath, Boolean> validity = new HashMap<>();
    private final Map<StorePath, SortedMap<String, StorePath>> derived = new HashMap<>();
    private final ModuloHashes hasher = moduloHasher();

    /** A source with a memory of its own. */
    public StoreDerivations(Nix nix) {
        this(nix, new Memory());
    }

    /** A source sharing {@code memory} with earlier sources of the same run. */
    public StoreDerivations(Nix nix, Memory memory) {
        this.nix = nix;
        this.memory = memory;
    }

    /**
     * Whether {@code path} is in the store, asked once per source: a source lives for one
     * call of the strategy, during which nothing is collected.
     */
    public boolean isValid(StorePath path) {
        return validity.computeIfAbsent(path, nix::isValid);
    }

    /** Reads every derivation in the closure of {@code drv} (when {@code drv} is valid). */
    public void prefetch(StorePath drv) {
        if (gone.contains(drv)) {
            return;
        }
        if (!seen.contains(drv) && !isValid(drv)) {
            gone.add(drv);
            return;
        }
        List<StorePath> missing = new ArrayList<>();
        // The closure of a valid path never changes and stays valid with it: asked once a run,
        // or not at all when every derivation in it is known (a masked system this run added).
        List<StorePath> closure = memory.closures.get(drv);
        if (closure == null) {
            closure = closureInMemory(drv).orElseGet(() -> nix.closure(drv, false));
            memory.closures.put(drv, closure);
        }
        for (StorePath path : closure) {
            if (path.isDerivation()) {
                if (memory.derivations.containsKey(path)) {
                    seen.add(path);
                } else {
                    missing.add(path);
                }
            }
        }
        readAll(missing, Set.of(drv));
    }

    /**
     * The derivations in the closure of {@code drv}, inputs first, when the memory holds every
     * one of them: a valid derivation's closure is its input derivations' closures, all valid.
     */
    private Optional<List<StorePath>> closureInMemory(StorePath drv) {
        List<StorePath> order = new ArrayList<>();
        Set<StorePath> visited = new HashSet<>();
        List<StorePath> stack = new ArrayList<>(List.of(drv));
        List<Boolean> expanded = new ArrayList<>(List.of(false));
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            StorePath path = stack.get(top);
            if (expanded.get(top)) {
                stack.remove(top);
                expanded.remove(top);
                order.add(path);
                continue;
            }
            if (!visited.add(path)) {
                stack.remove(top);
                expanded.remove(top);
                continue;
            }
            Derivation known = memory.derivations.get(path);
            if (known == null) {
                return Optional.empty();
            }
            expanded.set(top, true);
            for (StorePath input : known.inputDrvs().keySet()) {
                if (!visited.contains(input)) {
                    stack.add(input);
                    expanded.add(false);
                }
            }
        }
        return Optional.of(order);
    }

    /**
     * A derivation this run just added to the store (a masked system's), from the text Nix
     * registered: kept whole, so that it need not be read back.
     */
    public void added(StorePath path, String aterm) {
        StorePath drv = memory.intern(path.path());
        if (!memory.derivations.containsKey(drv)) {
            keep(drv, Derivation.read(drv, aterm, memory::intern), true);
        }
        validity.put(drv, true);
    }

    private void readAll(Collection<StorePath> drvs, Set<StorePath> whole) {
        Set<StorePath> asked = new HashSet<>(drvs);
        nix.forEachDerivation(drvs, (path, text) -> {
            StorePath drv = memory.intern(path.path());
            keep(drv, Derivation.read(drv, text, memory::intern), whole.contains(drv));
            asked.remove(path);
        });
        gone.addAll(asked);
    }

    private void keep(StorePath path, Derivation drv, boolean whole) {
        seen.add(path);
        memory.derivations.put(path, drv);
        if (whole || Cut.isCheap(drv) || !hashable(drv)) {
            return;
        }
        memory.hashes.put(path, hasher.of(drv, false));
        SortedMap<String, String> env = new TreeMap<>();
        KEPT_ENV.forEach(key -> {
            String value = drv.env().get(key);
            if (value != null) {
                env.put(key, value);
            }
        });
        memory.derivations.put(path, new Derivation(drv.name(), drv.outputs(), drv.inputDrvs(), drv.inputSrcs(),
                drv.platform(), drv.builder(), List.of(), env));
    }

    /** True when the modulo hash of every input is known, and the derivation's kind allows one. */
    private boolean hashable(Derivation drv) {
        try {
            Derivation.Kind kind = drv.kind();
            if (kind == Derivation.Kind.CONTENT_ADDRESSED || kind == Derivation.Kind.IMPURE) {
                return false;
            }
            if (kind == Derivation.Kind.FIXED_OUTPUT) {
                return true;
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return drv.inputDrvs().keySet().stream().allMatch(memory.hashes::containsKey);
    }

    /** {@inheritDoc} Known for the packages read (their text is no longer kept whole). */
    @Override
    public Optional<SortedMap<String, byte[]>> moduloHashes(StorePath drv) {
        return seen.contains(drv) ? Optional.ofNullable(memory.hashes.get(drv)) : Optional.empty();
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
        if (!seen.contains(drv) && !gone.contains(drv)) {
            Derivation known = memory.derivations.get(drv);
            if (known != null && isValid(drv)) {
                seen.add(drv);
            } else if (known == null) {
                readAll(List.of(drv), Set.of(drv));
            } else {
                gone.add(drv);
            }
        }
        return seen.contains(drv) ? Optional.ofNullable(memory.derivations.get(drv)) : Optional.empty();
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

    /** Every derivation this source has seen in the store. */
    public Map<StorePath, Derivation> known() {
        Map<StorePath, Derivation> known = new HashMap<>();
        seen.forEach(path -> known.put(path, memory.derivations.get(path)));
        return known;
    }
}
