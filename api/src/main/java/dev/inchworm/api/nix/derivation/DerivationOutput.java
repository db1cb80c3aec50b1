package dev.inchworm.api.nix.derivation;

import dev.inchworm.api.Api;
import dev.inchworm.api.nix.StorePath;
import java.util.Base64;
import java.util.Optional;

/**
 * One output of a derivation, as its ATerm tuple holds it: the path (empty while deferred or
 * content-addressed), the hash algorithm ({@code r:} prefix for recursive, empty unless
 * content-addressed) and the expected hash (base16, empty unless fixed).
 *
 * @param path     the output path, or empty
 * @param hashAlgo e.g. {@code r:sha256}, {@code sha1}, or empty
 * @param hash     the expected hash of a fixed output, {@code impure}, or empty
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public record DerivationOutput(String path, String hashAlgo, String hash) {

    public DerivationOutput {
        if (path == null || hashAlgo == null || hash == null) {
            throw new IllegalArgumentException("output fields must not be null");
        }
        if (!path.isEmpty()) {
            new StorePath(path); // validates the shape, with a message naming the path
        }
        if (hashAlgo.isEmpty() && !hash.isEmpty()) {
            throw new IllegalArgumentException("output has a hash '" + hash + "' but no hash algorithm");
        }
    }

    /** An input-addressed output at a known path. */
    public static DerivationOutput inputAddressed(StorePath path) {
        return new DerivationOutput(path.path(), "", "");
    }

    /** An input-addressed output whose path is not computed yet (also how Nix masks one). */
    public static DerivationOutput deferred() {
        return new DerivationOutput("", "", "");
    }

    /** A fixed output: content-addressed with an expected hash. */
    public boolean isFixed() {
        return !hashAlgo.isEmpty() && !hash.isEmpty() && !hash.equals("impure");
    }

    /** A floating content-addressed output (experimental {@code ca-derivations}). */
    public boolean isFloating() {
        return !hashAlgo.isEmpty() && hash.isEmpty();
    }

    /** An impure output (experimental {@code impure-derivations}). */
    public boolean isImpure() {
        return !hashAlgo.isEmpty() && hash.equals("impure");
    }

    /** Input-addressed with its path still to be computed. */
    public boolean isDeferred() {
        return hashAlgo.isEmpty() && path.isEmpty();
    }

    /** True when content-addressed over the NAR serialisation ({@code r:} prefix). */
    public boolean isRecursive() {
        return hashAlgo.startsWith("r:");
    }

    /** The hash algorithm without the {@code r:} prefix: md5, sha1, sha256 or sha512. */
    public String algorithm() {
        return isRecursive() ? hashAlgo.substring(2) : hashAlgo;
    }

    /** The output path, when the derivation records one. */
    public Optional<StorePath> storePath() {
        return path.isEmpty() ? Optional.empty() : Optional.of(new StorePath(path));
    }

    /**
     * The expected hash's bytes. Nix writes base16, and also reads base32 and base64 here.
     *
     * @throws IllegalArgumentException for an unknown algorithm or a hash of the wrong size
     */
    public byte[] hashBytes() {
        int size = switch (algorithm()) {
            case "md5" -> 16;
            case "sha1" -> 20;
            case "sha256" -> 32;
            case "sha512" -> 64;
            default -> throw new IllegalArgumentException("unknown hash algorithm '" + hashAlgo + "'");
        };
        if (hash.length() == size * 2) {
            return StorePaths.parseBase16(hash);
        }
        if (hash.length() == NixBase32.encodedLength(size)) {
            return NixBase32.decode(hash, size);
        }
        byte[] bytes = Base64.getDecoder().decode(hash);
        if (bytes.length != size) {
            throw new IllegalArgumentException("hash '" + hash + "' is not a " + algorithm() + " hash");
        }
        return bytes;
    }
}
