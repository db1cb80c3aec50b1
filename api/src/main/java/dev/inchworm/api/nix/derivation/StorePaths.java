package dev.inchworm.api.nix.derivation;

import dev.inchworm.api.Api;
import dev.inchworm.api.nix.StorePath;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * Store path computation as the comment at the top of Nix's {@code store-api.cc} specifies:
 * a path's hash part is the base32 of SHA-256 of the fingerprint
 * {@code <type>:sha256:<inner hash base16>:/nix/store:<name>}, XOR-folded to 20 bytes.
 * The type is {@code source}, {@code text[:<reference>...]} or {@code output:<output name>}.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class StorePaths {

    private static final HexFormat HEX = HexFormat.of();

    private StorePaths() {
    }

    /** SHA-256 of bytes. */
    public static byte[] sha256(byte[] bytes) {
        return digest("SHA-256").digest(bytes);
    }

    /** SHA-256 of text whose characters are bytes (ISO-8859-1), as Nix hashes its strings. */
    public static byte[] sha256(String latin1) {
        return sha256(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Lower-case base16, as Nix prints hashes without a type prefix. */
    public static String base16(byte[] hash) {
        return HEX.formatHex(hash);
    }

    /** Parses lower- or upper-case base16. */
    public static byte[] parseBase16(String text) {
        return HEX.parseHex(text);
    }

    /** Nix's {@code compressHash}: XOR-folds a hash to {@code size} bytes. */
    public static byte[] compressHash(byte[] hash, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < hash.length; i++) {
            out[i % size] ^= hash[i];
        }
        return out;
    }

    /**
     * {@code makeStorePath}: the path for a fingerprint type, an inner SHA-256 hash and a name.
     *
     * @throws IllegalArgumentException when the name is not a valid store path name
     */
    public static StorePath makeStorePath(String type, byte[] innerSha256, String name) {
        String fingerprint = type + ":sha256:" + base16(innerSha256) + ":" + StorePath.STORE_DIR + ":" + name;
        String hashPart = NixBase32.encode(compressHash(sha256(fingerprint), 20));
        return new StorePath(StorePath.STORE_DIR + "/" + hashPart + "-" + name);
    }

    /**
     * {@code makeTextPath}: a text file's path (a {@code .drv} is one), from the SHA-256 of its
     * contents and its references (sorted, as Nix keeps them in a set).
     */
    public static StorePath makeTextPath(String name, byte[] contentSha256, Collection<StorePath> references) {
        StringBuilder type = new StringBuilder("text");
        for (StorePath reference : new TreeSet<>(references)) {
            type.append(':').append(reference.path());
        }
        return makeStorePath(type.toString(), contentSha256, name);
    }

    /** {@code makeOutputPath}: an input-addressed output's path from the derivation's modulo hash. */
    public static StorePath makeOutputPath(String outputName, byte[] hashModulo, String drvName) {
        return makeStorePath("output:" + outputName, hashModulo, outputPathName(drvName, outputName));
    }

    /**
     * {@code makeFixedOutputPath} without references: recursive SHA-256 is a {@code source}
     * path, anything else an {@code output:out} path over {@code fixed:out:[r:]<algo>:<hex>:}.
     *
     * @param algo the hash algorithm as Nix names it: md5, sha1, sha256, sha512
     */
    public static StorePath makeFixedOutputPath(boolean recursive, String algo, byte[] hash, String name) {
        if (recursive && algo.equals("sha256")) {
            return makeStorePath("source", hash, name);
        }
        String inner = "fixed:out:" + (recursive ? "r:" : "") + algo + ":" + base16(hash) + ":";
        return makeStorePath("output:out", sha256(inner), name);
    }

    /** {@code outputPathName}: the derivation's name for {@code out}, {@code <name>-<output>} otherwise. */
    public static String outputPathName(String drvName, String outputName) {
        return outputName.equals("out") ? drvName : drvName + "-" + outputName;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }
}
