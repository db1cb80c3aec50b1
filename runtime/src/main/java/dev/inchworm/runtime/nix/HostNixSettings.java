package dev.inchworm.runtime.nix;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The host's own Nix settings as Nix itself resolves them ({@code nix show-config --json}: its
 * {@code nix.conf}, {@code NIX_CONFIG}, and the profile's {@code nix.options} on top, since the
 * command gets them like every other): the binary caches it substitutes from and the keys it
 * trusts. Read once per backend.
 *
 * @param substituters      the caches, in Nix's order ({@code extra-substituters} included)
 * @param trustedPublicKeys {@code NAME:KEY} of every key whose signature Nix accepts
 * @param requireSigs       whether Nix refuses a substituted path no trusted key signed
 */
record HostNixSettings(List<String> substituters, List<String> trustedPublicKeys, boolean requireSigs) {

    /** When the settings cannot be read: no cache of the host's own, nothing filtered. */
    static final HostNixSettings UNKNOWN = new HostNixSettings(List.of(), List.of(), false);

    HostNixSettings {
        substituters = List.copyOf(substituters);
        trustedPublicKeys = List.copyOf(trustedPublicKeys);
    }

    /** The names of the trusted keys ({@code cache.nixos.org-1}), which a narinfo's signatures carry. */
    Set<String> trustedKeyNames() {
        return trustedPublicKeys.stream().map(k -> k.contains(":") ? k.substring(0, k.indexOf(':')) : k)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Whether Nix would substitute a path a cache describes so: content-addressed paths need no
     * signature; others need one by a trusted key when {@code require-sigs} is on. Checked by the
     * key's name, not cryptographically: this only decides which sizes count, never what is trusted.
     */
    boolean accepts(boolean contentAddressed, List<String> signatureKeyNames) {
        Objects.requireNonNull(signatureKeyNames, "signatureKeyNames");
        if (!requireSigs || contentAddressed) {
            return true;
        }
        Set<String> trusted = trustedKeyNames();
        return signatureKeyNames.stream().anyMatch(trusted::contains);
    }
}
