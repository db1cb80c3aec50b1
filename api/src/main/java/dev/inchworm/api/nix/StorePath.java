package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.regex.Pattern;

/**
 * A path in the Nix store: {@code /nix/store/<32 base32 chars>-<name>}. Output paths and
 * {@code .drv} paths alike.
 *
 * @param path the absolute path, without a trailing slash
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record StorePath(String path) implements Comparable<StorePath> {

    /** The store folder. Inchworm supports the default store location only. */
    public static final String STORE_DIR = "/nix/store";

    // Nix base32 omits e, o, u, t; names are limited to this set by Nix itself.
    private static final Pattern SHAPE =
            Pattern.compile("/nix/store/[0-9abcdfghijklmnpqrsvwxyz]{32}-[A-Za-z0-9+\\-._?=]+");

    public StorePath {
        if (path == null || !SHAPE.matcher(path).matches()) {
            throw new IllegalArgumentException("not a store path: '" + path + "'");
        }
    }

    /** Parses a store path, also accepting a path below one (which it cuts to the store path). */
    public static StorePath of(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/', STORE_DIR.length() + 1);
        return new StorePath(slash < 0 ? trimmed : trimmed.substring(0, slash));
    }

    /** The 32-character hash part. */
    public String hash() {
        return path.substring(STORE_DIR.length() + 1, STORE_DIR.length() + 33);
    }

    /** The name part, after the hash and dash (for a derivation, ends in {@code .drv}). */
    public String name() {
        return path.substring(STORE_DIR.length() + 34);
    }

    /** The base name: hash, dash and name. */
    public String baseName() {
        return path.substring(STORE_DIR.length() + 1);
    }

    /** True for a derivation ({@code .drv}) path. */
    public boolean isDerivation() {
        return path.endsWith(".drv");
    }

    @Override
    public int compareTo(StorePath other) {
        return path.compareTo(other.path);
    }

    @Override
    public String toString() {
        return path;
    }
}
