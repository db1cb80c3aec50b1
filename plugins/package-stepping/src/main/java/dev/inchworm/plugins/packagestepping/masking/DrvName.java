package dev.inchworm.plugins.packagestepping.masking;

/**
 * A derivation name split as Nix's {@code builtins.parseDrvName} splits it: the version starts
 * after the first dash that is followed by a character that is not a letter
 * ({@code hello-2.12.1} is {@code hello} and {@code 2.12.1}; {@code xorg-server-21.1} is
 * {@code xorg-server} and {@code 21.1}).
 *
 * @param name    the name without version
 * @param version the version, empty when there is none
 */
public record DrvName(String name, String version) {

    public DrvName {
        if (name == null || version == null) {
            throw new IllegalArgumentException("name and version must not be null");
        }
    }

    /** Splits a full name ({@code pname-version}). */
    public static DrvName parse(String fullName) {
        for (int i = 0; i + 1 < fullName.length(); i++) {
            if (fullName.charAt(i) == '-' && !isAsciiLetter(fullName.charAt(i + 1))) {
                return new DrvName(fullName.substring(0, i), fullName.substring(i + 1));
            }
        }
        return new DrvName(fullName, "");
    }

    /** The full name again. */
    public String fullName() {
        return version.isEmpty() ? name : name + "-" + version;
    }

    /**
     * Nix's {@code builtins.compareVersions}: components split at dots and dashes and at
     * digit/non-digit boundaries, numbers compared as numbers, {@code pre} before anything,
     * a missing component before a number, letters before numbers.
     */
    public static int compareVersions(String v1, String v2) {
        int[] p1 = {0};
        int[] p2 = {0};
        while (p1[0] < v1.length() || p2[0] < v2.length()) {
            String c1 = nextComponent(v1, p1);
            String c2 = nextComponent(v2, p2);
            if (componentLess(c1, c2)) {
                return -1;
            }
            if (componentLess(c2, c1)) {
                return 1;
            }
        }
        return 0;
    }

    private static String nextComponent(String s, int[] at) {
        int p = at[0];
        while (p < s.length() && (s.charAt(p) == '.' || s.charAt(p) == '-')) {
            p++;
        }
        int start = p;
        if (p < s.length() && isDigit(s.charAt(p))) {
            while (p < s.length() && isDigit(s.charAt(p))) {
                p++;
            }
        } else {
            while (p < s.length() && !isDigit(s.charAt(p)) && s.charAt(p) != '.' && s.charAt(p) != '-') {
                p++;
            }
        }
        at[0] = p;
        return s.substring(start, p);
    }

    private static boolean componentLess(String c1, String c2) {
        Long n1 = number(c1);
        Long n2 = number(c2);
        if (n1 != null && n2 != null) {
            return n1 < n2;
        }
        if (c1.isEmpty() && n2 != null) {
            return true;
        }
        if (c1.equals("pre") && !c2.equals("pre")) {
            return true;
        }
        if (c2.equals("pre")) {
            return false;
        }
        if (n2 != null) {
            return true;
        }
        if (n1 != null) {
            return false;
        }
        return c1.compareTo(c2) < 0;
    }

    // Nix parses components as int: one that overflows is not a number there either.
    private static Long number(String component) {
        if (component.isEmpty() || component.length() > 10) {
            return null;
        }
        for (int i = 0; i < component.length(); i++) {
            if (!isDigit(component.charAt(i))) {
                return null;
            }
        }
        long n = Long.parseLong(component);
        return n <= Integer.MAX_VALUE ? n : null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
