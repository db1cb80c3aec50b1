package dev.inchworm.api.estimate;

import dev.inchworm.api.Api;
import java.util.List;
import java.util.Objects;

/**
 * What realising a derivation is estimated to add to the store at its peak, as named terms so
 * that a wrong estimate can be traced to its term (docs/estimates.md explains each).
 *
 * @param terms   the terms, in a fixed order; their bytes add up to {@link #bytes()}
 * @param units   the units (package names) of the derivations to build, in build-list order
 * @param toBuild how many derivations Nix would build
 * @param toFetch how many paths Nix would substitute
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public record FootprintEstimate(List<Term> terms, List<String> units, int toBuild, int toFetch) {

    /** Outputs Nix would substitute, sized by the caches' narinfo {@code NarSize}. */
    public static final String FETCHED = "fetched";
    /** Outputs of derivations Nix would build (packages, build-only inputs, intermediate outputs). */
    public static final String BUILT = "built";
    /** Outputs of fixed-output derivations (sources) not in the store. */
    public static final String SOURCES = "sources";
    /** Units sized by what this host measured when it built them before (their share of the step's peak). */
    public static final String LEARNED = "learned";
    /** Nix's own growth while registering paths: the SQLite write-ahead log in the database folder. */
    public static final String TRANSIENT = "nix-transient";
    /** Nix's reserved file ({@code gc-reserved-space}) while it is missing: Nix writes it back on the next command that has room. */
    public static final String RESERVED = "nix-reserved";

    /**
     * One term.
     *
     * @param name  {@link #FETCHED}, {@link #BUILT}, {@link #SOURCES}, {@link #LEARNED}, {@link #TRANSIENT}
     *              or {@link #RESERVED}
     * @param basis where the sizes came from: {@code narinfo}, {@code cache}, {@code learned},
     *              {@code old-counterpart}, {@code default}, {@code per-path}, {@code missing}
     * @param paths how many store paths (or derivations) the term counts
     * @param bytes the term's bytes
     */
    public record Term(String name, String basis, int paths, long bytes) {
        public Term {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(basis, "basis");
            if (bytes < 0 || paths < 0) {
                throw new IllegalArgumentException("negative term " + name + "/" + basis);
            }
        }
    }

    public FootprintEstimate {
        terms = List.copyOf(terms);
        units = List.copyOf(units);
    }

    /** The estimate: the sum of the terms. */
    public long bytes() {
        return terms.stream().mapToLong(Term::bytes).sum();
    }
}
