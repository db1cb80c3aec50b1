package dev.inchworm.api.nix.derivation;

import dev.inchworm.api.Api;
import dev.inchworm.api.nix.StorePath;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Nix derivation: what a {@code .drv} file holds, plus its name. Strings are ISO-8859-1
 * (one character per byte), so any byte sequence round-trips. Collections are immutable and
 * sorted as Nix sorts them (by byte value).
 *
 * @param name      the derivation's name, i.e. its {@code .drv} file name without the hash
 *                  part and without {@code .drv}
 * @param outputs   output name to output
 * @param inputDrvs input derivation to the names of the outputs used
 * @param inputSrcs input store paths that are not outputs of input derivations
 * @param platform  the system, e.g. {@code x86_64-linux}
 * @param builder   the builder program
 * @param args      the builder's arguments, in order
 * @param env       the builder's environment
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public record Derivation(
        String name,
        SortedMap<String, DerivationOutput> outputs,
        SortedMap<StorePath, SortedSet<String>> inputDrvs,
        SortedSet<StorePath> inputSrcs,
        String platform,
        String builder,
        List<String> args,
        SortedMap<String, String> env) {

    /** What a derivation's outputs say about how their paths are computed (Nix's {@code DerivationType}). */
    public enum Kind {
        /** DerivationOutput paths from the derivation's inputs: nearly every derivation. */
        INPUT_ADDRESSED,
        /** Input-addressed with paths still to compute ({@code ""} paths, as during evaluation). */
        DEFERRED,
        /** One output {@code out} with an expected hash (fetchers). */
        FIXED_OUTPUT,
        /** Floating content-addressed ({@code ca-derivations}). */
        CONTENT_ADDRESSED,
        /** Impure ({@code impure-derivations}). */
        IMPURE
    }

    public Derivation {
        if (name == null || name.isEmpty() || platform == null || builder == null) {
            throw new IllegalArgumentException("a derivation needs a name, a platform and a builder");
        }
        if (outputs == null || outputs.isEmpty()) {
            throw new IllegalArgumentException("derivation '" + name + "' must have at least one output");
        }
        outputs = Collections.unmodifiableSortedMap(new TreeMap<>(outputs));
        SortedMap<StorePath, SortedSet<String>> inputs = new TreeMap<>();
        inputDrvs.forEach((drv, names) -> inputs.put(drv, outputNames(names)));
        inputDrvs = Collections.unmodifiableSortedMap(inputs);
        inputSrcs = Collections.unmodifiableSortedSet(new TreeSet<>(inputSrcs));
        args = List.copyOf(args);
        env = Collections.unmodifiableSortedMap(new TreeMap<>(env));
    }

    // The output-name sets of input derivations, shared: nearly all are {"out"}.
    private static final java.util.concurrent.ConcurrentMap<java.util.Set<String>, SortedSet<String>> OUTPUT_NAMES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static SortedSet<String> outputNames(SortedSet<String> names) {
        if (names.size() > 2) {
            return Collections.unmodifiableSortedSet(new TreeSet<>(names));
        }
        SortedSet<String> shared = OUTPUT_NAMES.get(names);
        if (shared == null && OUTPUT_NAMES.size() < 1024) {
            shared = OUTPUT_NAMES.computeIfAbsent(java.util.Set.copyOf(names),
                    n -> Collections.unmodifiableSortedSet(new TreeSet<>(n)));
        }
        return shared != null ? shared : Collections.unmodifiableSortedSet(new TreeSet<>(names));
    }

    /**
     * Parses the ATerm text of a {@code .drv} file.
     *
     * @param name  the derivation's name (file name without hash part and {@code .drv})
     * @param aterm the file's bytes as ISO-8859-1 text
     * @throws IllegalArgumentException naming the derivation and the byte offset on bad input
     */
    public static Derivation parse(String name, String aterm) {
        return Aterm.parse(name, aterm);
    }

    /** Parses the ATerm text of the {@code .drv} file at {@code drvPath}, taking the name from the path. */
    public static Derivation read(StorePath drvPath, String aterm) {
        return parse(nameOf(drvPath), aterm);
    }

    /** As {@link #read(StorePath, String)}, making store paths with {@code paths} (an interner). */
    public static Derivation read(StorePath drvPath, String aterm, java.util.function.Function<String, StorePath> paths) {
        return Aterm.parse(nameOf(drvPath), aterm, paths);
    }

    /** A derivation's name from its {@code .drv} path. */
    public static String nameOf(StorePath drvPath) {
        if (!drvPath.isDerivation()) {
            throw new IllegalArgumentException("not a derivation path: " + drvPath);
        }
        String name = drvPath.name();
        return name.substring(0, name.length() - ".drv".length());
    }

    /** The ATerm text of this derivation, as Nix writes it to the {@code .drv} file. */
    public String aterm() {
        return Aterm.print(this, false, null);
    }

    /** The store paths the {@code .drv} file references: input sources and input derivations. */
    public SortedSet<StorePath> references() {
        SortedSet<StorePath> references = new TreeSet<>(inputSrcs);
        references.addAll(inputDrvs.keySet());
        return references;
    }

    /** The {@code .drv} file's store path: a text path over its ATerm and references. */
    public StorePath path() {
        return StorePaths.makeTextPath(name + ".drv", StorePaths.sha256(aterm()), references());
    }

    /** The output paths as recorded in the derivation (outputs without a path are left out). */
    public SortedMap<String, StorePath> outputPaths() {
        SortedMap<String, StorePath> paths = new TreeMap<>();
        outputs.forEach((output, o) -> o.storePath().ifPresent(p -> paths.put(output, p)));
        return paths;
    }

    /** True for a fixed-output derivation. */
    public boolean isFixedOutput() {
        return kind() == Kind.FIXED_OUTPUT;
    }

    /**
     * Classifies the outputs as Nix's {@code BasicDerivation::type()} does.
     *
     * @throws IllegalArgumentException when outputs of different kinds are mixed, or a fixed
     *     output is not the single output {@code out}
     */
    public Kind kind() {
        int addressed = 0;
        int deferred = 0;
        int fixed = 0;
        int floating = 0;
        int impure = 0;
        for (DerivationOutput o : outputs.values()) {
            if (o.isFixed()) {
                fixed++;
            } else if (o.isFloating()) {
                floating++;
            } else if (o.isImpure()) {
                impure++;
            } else if (o.isDeferred()) {
                deferred++;
            } else {
                addressed++;
            }
        }
        int n = outputs.size();
        if (addressed == n) {
            return Kind.INPUT_ADDRESSED;
        }
        if (fixed == n) {
            if (n > 1 || !outputs.containsKey("out")) {
                throw new IllegalArgumentException("derivation '" + name + "': a fixed output must be the single output \"out\"");
            }
            return Kind.FIXED_OUTPUT;
        }
        if (floating == n) {
            return Kind.CONTENT_ADDRESSED;
        }
        if (deferred == n) {
            return Kind.DEFERRED;
        }
        if (impure == n) {
            return Kind.IMPURE;
        }
        throw new IllegalArgumentException("derivation '" + name + "' mixes output kinds");
    }

    /** A copy with other outputs. */
    public Derivation withOutputs(Map<String, DerivationOutput> newOutputs) {
        return new Derivation(name, new TreeMap<>(newOutputs), inputDrvs, inputSrcs, platform, builder, args, env);
    }

    /** A copy with another environment. */
    public Derivation withEnv(Map<String, String> newEnv) {
        return new Derivation(name, outputs, inputDrvs, inputSrcs, platform, builder, args, new TreeMap<>(newEnv));
    }
}
