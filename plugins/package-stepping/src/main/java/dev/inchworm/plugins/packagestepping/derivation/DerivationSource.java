package dev.inchworm.plugins.packagestepping.derivation;

import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.nix.derivation.ModuloHashes;

import dev.inchworm.api.nix.StorePath;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * Where derivations are read from: the host's store in production ({@code Nix.readDerivation}),
 * a map or a sandbox store in tests. A derivation that is gone (collected, or never there
 * because its outputs were substituted) reads as empty.
 */
@FunctionalInterface
public interface DerivationSource {

    /** The derivation at {@code drv}, or empty when the store no longer holds it. */
    Optional<Derivation> read(StorePath drv);

    /**
     * The output paths of a derivation by output name. The default reads the derivation; a
     * source that knows the outputs of gone derivations (e.g. from the deriver of the current
     * system's paths) overrides it.
     *
     * @throws IllegalArgumentException when the derivation is gone and its outputs are unknown
     */
    default SortedMap<String, StorePath> outputs(StorePath drv) {
        return read(drv).orElseThrow(() -> new IllegalArgumentException(
                "derivation " + drv + " is gone and its output paths are unknown")).outputPaths();
    }

    /**
     * The {@code hashDerivationModulo} of a derivation, when the source computed it already
     * (a source that keeps only part of a derivation must); empty: compute it from the text.
     */
    default Optional<SortedMap<String, byte[]>> moduloHashes(StorePath drv) {
        return Optional.empty();
    }

    /** The modulo hashes over this source, using the hashes it computed already. */
    default ModuloHashes moduloHasher() {
        return new ModuloHashes(this::read, this::moduloHashes);
    }

    /** Reads {@code drv} or fails with a message naming it. */
    default Derivation require(StorePath drv) {
        return read(drv).orElseThrow(() -> new IllegalArgumentException("derivation " + drv + " is not in the store"));
    }

    /** A source over derivations in memory. */
    static DerivationSource of(Map<StorePath, Derivation> derivations) {
        Map<StorePath, Derivation> copy = Map.copyOf(derivations);
        return drv -> Optional.ofNullable(copy.get(drv));
    }

    /**
     * A source over ATerm texts, e.g. {@code p -> nix.isValid(p) ? Optional.of(nix.readDerivation(p))
     * : Optional.empty()}. Each derivation is parsed once and kept (not thread-safe).
     */
    static DerivationSource ofAterms(Function<StorePath, Optional<String>> aterms) {
        Map<StorePath, Optional<Derivation>> parsed = new HashMap<>();
        return drv -> parsed.computeIfAbsent(drv, p -> aterms.apply(p).map(text -> Derivation.read(p, text)));
    }
}
