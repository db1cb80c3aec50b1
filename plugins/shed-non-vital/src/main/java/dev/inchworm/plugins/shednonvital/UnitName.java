package dev.inchworm.plugins.shednonvital;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Unit names as {@code inchworm plan} shows them, and the closest ones to a misspelt name. */
final class UnitName {

    private UnitName() {
    }

    /**
     * The name without version, as Nix's {@code builtins.parseDrvName} splits it: the version
     * starts after the first dash followed by a character that is not a letter.
     */
    static String of(String fullName) {
        for (int i = 0; i + 1 < fullName.length(); i++) {
            char next = fullName.charAt(i + 1);
            if (fullName.charAt(i) == '-' && !((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z'))) {
                return fullName.substring(0, i);
            }
        }
        return fullName;
    }

    /** The version part of a full name, empty when it has none. */
    static String versionOf(String fullName) {
        String name = of(fullName);
        return name.length() < fullName.length() ? fullName.substring(name.length() + 1) : "";
    }

    /** Up to three known names closest to {@code name} by edit distance, nearest first. */
    static List<String> closest(String name, Collection<String> known) {
        return known.stream().distinct()
                .sorted(Comparator.comparingInt((String k) -> distance(name, k)).thenComparing(k -> k))
                .limit(3).toList();
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                row[j] = Math.min(substitution, Math.min(previous[j] + 1, row[j - 1] + 1));
            }
            int[] swap = previous;
            previous = row;
            row = swap;
        }
        return previous[b.length()];
    }
}
