package dev.inchworm.api.nix;

import dev.inchworm.api.Api;

/**
 * The Nix on the host and what it can do.
 *
 * @param text  the version as Nix prints it, e.g. {@code 2.8.0}
 * @param major major version
 * @param minor minor version
 * @param patch patch version (0 when absent)
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record NixVersion(String text, int major, int minor, int patch) implements Comparable<NixVersion> {

    /** Parses {@code nix-env (Nix) 2.8.0} or a bare {@code 2.8.0} / {@code 2.33.1pre}. */
    public static NixVersion parse(String output) {
        var m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?").matcher(output);
        if (!m.find()) {
            throw new IllegalArgumentException("no Nix version in: '" + output.strip() + "'");
        }
        return new NixVersion(m.group(0), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    /** At least major.minor. */
    public boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    /** {@code nix derivation add} exists from Nix 2.15. */
    public boolean hasDerivationAdd() {
        return atLeast(2, 15);
    }

    @Override
    public int compareTo(NixVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return text;
    }
}
