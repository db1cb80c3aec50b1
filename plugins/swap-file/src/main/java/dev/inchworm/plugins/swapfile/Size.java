package dev.inchworm.plugins.swapfile;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as the host profile writes them ({@code 2GiB}, {@code 512M}, {@code 1048576}), in
 * binary units like the rest of the profile. A copy of the runtime's rule: plugins may not
 * depend on the runtime.
 */
final class Size {

    private static final Pattern SIZE = Pattern.compile(
            "\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(?:([kKmMgGtT])(?:i?[bB])?|[bB])?\\s*");

    private Size() {
    }

    /** Parses {@code text}; the message names {@code key} when it is not a size. */
    static long parse(String key, String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(key + ": not a size: '" + text
                    + "' (write bytes as a number, or e.g. 64MiB, 2GiB, 512M)");
        }
        long unit = m.group(2) == null ? 1 : 1L << (10 * ("KMGT".indexOf(Character.toUpperCase(m.group(2).charAt(0))) + 1));
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(key + ": size too large: '" + text + "'");
        }
        return bytes.longValue();
    }

    /** {@code 2.0 GiB}, {@code 64.0 MiB}, {@code 512 B}. */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
