package dev.inchworm.runtime.engine;

import dev.inchworm.api.nix.StorePath;

/**
 * A store path's name split as Nix's {@code parseDrvName} splits it (and as nvd groups paths):
 * the version begins at the first dash followed by a character that is not a letter
 * ({@code firefox-123.0} is firefox 123.0); a usual output's suffix is not part of the version
 * ({@code openssl-3.0.13-dev} is openssl 3.0.13, output dev).
 *
 * @param name    the name without version ({@code firefox})
 * @param version the version, "" when there is none
 * @param output  the output the name ends in ({@code dev}), {@code out} for none
 */
record PackageName(String name, String version, String output) {

    private static final java.util.regex.Pattern OUTPUT = java.util.regex.Pattern.compile(
            "(.*)-(dev|lib|bin|man|doc|info|static|debug|devdoc|terminfo)");

    static PackageName of(StorePath path) {
        String full = path.name();
        return of(full.endsWith(".drv") ? full.substring(0, full.length() - ".drv".length()) : full);
    }

    static PackageName of(String full) {
        java.util.regex.Matcher suffix = OUTPUT.matcher(full);
        String output = "out";
        String base = full;
        if (suffix.matches()) {
            output = suffix.group(2);
            base = suffix.group(1);
        }
        for (int i = 0; i + 1 < base.length(); i++) {
            if (base.charAt(i) == '-' && !Character.isLetter(base.charAt(i + 1))) {
                return new PackageName(base.substring(0, i), base.substring(i + 1), output);
            }
        }
        return new PackageName(base, "", output);
    }
}
