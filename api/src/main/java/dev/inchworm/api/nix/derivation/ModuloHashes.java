package dev.inchworm.api.nix.derivation;

import dev.inchworm.api.Api;
import java.util.Optional;
import java.util.function.Function;

import dev.inchworm.api.nix.StorePath;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Nix's {@code hashDerivationModulo}, memoised per {@code .drv} path like Nix's
 * {@code drvHashes}, and the output paths that follow from it. A fixed-output derivation
 * hashes as {@code fixed:out:<method+algo>:<hash>:<path>} (so its recipe does not leak into
 * its dependents); any other replaces its input derivations by their modulo hashes (base16)
 * and hashes the resulting ATerm. Derivations not in the source (ones just re-derived) are
 * {@link #remember remembered}. For strategies that re-derive the aggregator layer of a system.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public final class ModuloHashes {

    private final Function<StorePath, Optional<Derivation>> source;
    private final Function<StorePath, Optional<SortedMap<String, byte[]>>> computed;
    private final Map<StorePath, Derivation> remembered = new HashMap<>();
    private final Map<StorePath, SortedMap<String, byte[]>> memo = new HashMap<>();

    /** @param source the derivation at a path, empty when the store does not hold it */
    public ModuloHashes(Function<StorePath, Optional<Derivation>> source) {
        this(source, drv -> Optional.empty());
    }

    /**
     * @param source   the derivation at a path, empty when the store does not hold it
     * @param computed the hashes of a derivation when the caller computed them already (a
     *                 source that keeps only part of a derivation's text must); empty: compute
     *                 them from the derivation
     */
    public ModuloHashes(Function<StorePath, Optional<Derivation>> source,
                        Function<StorePath, Optional<SortedMap<String, byte[]>>> computed) {
        this.source = source;
        this.computed = computed;
    }

    /** Makes a derivation that is not (yet) in the source known at its path. */
    public void remember(StorePath path, Derivation drv) {
        remembered.put(path, drv);
    }

    /** The derivation at a path: a remembered one, else the source's. */
    public Derivation derivation(StorePath drvPath) {
        Derivation drv = remembered.get(drvPath);
        if (drv != null) {
            return drv;
        }
        return source.apply(drvPath).orElseThrow(() -> new IllegalArgumentException(
                "derivation " + drvPath + " is not in the store"));
    }

    /**
     * {@code pathDerivationModulo}: the modulo hash of each output of the derivation at
     * {@code drvPath}, its own output paths not masked. Walks the inputs iteratively, so deep
     * chains do not exhaust the stack.
     *
     * @throws IllegalArgumentException for a derivation gone from the source, a cycle, or a
     *     content-addressed or impure derivation in the closure
     */
    public SortedMap<String, byte[]> of(StorePath drvPath) {
        SortedMap<String, byte[]> known = known(drvPath);
        if (known != null) {
            return known;
        }
        Deque<StorePath> stack = new ArrayDeque<>();
        Map<StorePath, Derivation> expanded = new HashMap<>();
        Set<StorePath> onStack = new HashSet<>();
        stack.push(drvPath);
        while (!stack.isEmpty()) {
            StorePath path = stack.peek();
            if (known(path) != null) {
                stack.pop();
                continue;
            }
            Derivation drv = expanded.get(path);
            if (drv == null) {
                drv = derivation(path);
                expanded.put(path, drv);
                onStack.add(path);
                if (drv.kind() != Derivation.Kind.FIXED_OUTPUT) {
                    for (StorePath input : drv.inputDrvs().keySet()) {
                        if (known(input) == null) {
                            if (onStack.contains(input)) {
                                throw new IllegalArgumentException("derivation cycle through " + input);
                            }
                            stack.push(input);
                        }
                    }
                }
                continue;
            }
            memo.put(path, of(drv, false));
            expanded.remove(path);
            onStack.remove(path);
            stack.pop();
        }
        return memo.get(drvPath);
    }

    /** The hashes memoised here or computed by the caller already; null when neither. */
    private SortedMap<String, byte[]> known(StorePath drvPath) {
        SortedMap<String, byte[]> known = memo.get(drvPath);
        if (known == null && !remembered.containsKey(drvPath)) {
            known = computed.apply(drvPath).orElse(null);
        }
        return known;
    }

    /**
     * {@code hashDerivationModulo} of a derivation whose inputs are in the source (or
     * remembered). {@code maskOutputs} blanks its own output paths, as when computing them.
     */
    public SortedMap<String, byte[]> of(Derivation drv, boolean maskOutputs) {
        Derivation.Kind kind = drv.kind();
        SortedMap<String, byte[]> hashes = new TreeMap<>();
        if (kind == Derivation.Kind.FIXED_OUTPUT) {
            DerivationOutput out = drv.outputs().get("out");
            StorePath path = fixedOutputPath(drv);
            hashes.put("out", StorePaths.sha256("fixed:out:" + out.hashAlgo() + ":"
                    + StorePaths.base16(out.hashBytes()) + ":" + path.path()));
            return Collections.unmodifiableSortedMap(hashes);
        }
        if (kind == Derivation.Kind.CONTENT_ADDRESSED || kind == Derivation.Kind.IMPURE) {
            throw new IllegalArgumentException("derivation '" + drv.name() + "' is "
                    + (kind == Derivation.Kind.IMPURE ? "impure" : "floating content-addressed")
                    + ": its output paths are only known after building, which masking cannot handle");
        }
        // Inputs with equal modulo hashes (e.g. two fixed outputs of the same content) merge.
        SortedMap<String, SortedSet<String>> inputs = new TreeMap<>();
        for (Map.Entry<StorePath, SortedSet<String>> input : drv.inputDrvs().entrySet()) {
            SortedMap<String, byte[]> inputHashes = of(input.getKey());
            for (String output : input.getValue()) {
                byte[] hash = inputHashes.get(output);
                if (hash == null) {
                    throw new IllegalArgumentException("derivation '" + drv.name() + "' uses output '" + output
                            + "' of " + input.getKey() + ", which has no such output");
                }
                inputs.computeIfAbsent(StorePaths.base16(hash), h -> new TreeSet<>()).add(output);
            }
        }
        byte[] hash = StorePaths.sha256(Aterm.print(drv, maskOutputs, inputs));
        for (String output : drv.outputs().keySet()) {
            hashes.put(output, hash);
        }
        return Collections.unmodifiableSortedMap(hashes);
    }

    /**
     * The output paths Nix computes for a derivation, ignoring the paths it records (so a
     * derivation with blank outputs, as during evaluation, gets them too).
     */
    public SortedMap<String, StorePath> outputPaths(Derivation drv) {
        SortedMap<String, StorePath> paths = new TreeMap<>();
        if (drv.kind() == Derivation.Kind.FIXED_OUTPUT) {
            paths.put("out", fixedOutputPath(drv));
            return paths;
        }
        SortedMap<String, byte[]> hashes = of(drv, true);
        for (String output : drv.outputs().keySet()) {
            paths.put(output, StorePaths.makeOutputPath(output, hashes.get(output), drv.name()));
        }
        return paths;
    }

    /**
     * The derivation with its output paths computed and filled in, both in the outputs and in
     * the environment variables named after them, as Nix's {@code derivationStrict} does.
     */
    public Derivation withOutputPaths(Derivation drv) {
        SortedMap<String, StorePath> paths = outputPaths(drv);
        SortedMap<String, DerivationOutput> outputs = new TreeMap<>();
        SortedMap<String, String> env = new TreeMap<>(drv.env());
        drv.outputs().forEach((output, o) -> {
            String path = paths.get(output).path();
            outputs.put(output, o.isFixed() ? new DerivationOutput(path, o.hashAlgo(), o.hash()) : new DerivationOutput(path, "", ""));
            env.put(output, path);
        });
        return new Derivation(drv.name(), outputs, drv.inputDrvs(), drv.inputSrcs(), drv.platform(),
                drv.builder(), drv.args(), env);
    }

    private static StorePath fixedOutputPath(Derivation drv) {
        DerivationOutput out = drv.outputs().get("out");
        return StorePaths.makeFixedOutputPath(out.isRecursive(), out.algorithm(), out.hashBytes(), drv.name());
    }
}
