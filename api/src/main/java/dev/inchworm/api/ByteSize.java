package dev.inchworm.api;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as people write them in a profile ({@code 64MiB}, {@code 1.5GiB}, {@code 512M},
 * {@code 1048576}) and as reports print them. K, M, G, T with or without {@code i} and
 * {@code B} are all powers of 1024: disk space on a small host is counted in binary units.
 * Here in the api so that the runtime and every plugin read and print sizes the same way.
 *
 * <p>A {@code ByteSize} is also a value: settings records hold one (the runtime binds a size
 * text or a number of bytes to it, naming the key when the text is not a size) and plugin
 * state records keep one (as its number of bytes). Two sizes are equal when their bytes are;
 * {@link #toString()} is the text as written, so messages quote what the admin wrote.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class ByteSize {

    private static final Pattern SIZE = Pattern.compile(
            "\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(?:([kKmMgGtT])(?:i?[bB])?|[bB])?\\s*");
    private static final Map<Character, Long> UNITS = Map.of(
            'K', 1L << 10, 'M', 1L << 20, 'G', 1L << 30, 'T', 1L << 40);
    private static final String[] SUFFIXES = {"B", "KiB", "MiB", "GiB", "TiB"};

    private final long bytes;
    private final String text;

    private ByteSize(long bytes, String text) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
        this.bytes = bytes;
        this.text = text;
    }

    /** A size of {@code bytes} bytes, written as that number. */
    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes, Long.toString(bytes));
    }

    /**
     * A size as written, e.g. {@code 64MiB}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static ByteSize of(String text) {
        return new ByteSize(parse(text), text.strip());
    }

    /**
     * A size as written for the settings key {@code key}.
     *
     * @throws IllegalArgumentException naming the key, the text and the accepted forms
     */
    public static ByteSize of(String key, String text) {
        return new ByteSize(parse(key, text), text.strip());
    }

    /** The number of bytes. */
    public long bytes() {
        return bytes;
    }

    /** As reports print it, e.g. {@code 1.5 GiB}. */
    public String format() {
        return format(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteSize b && b.bytes == bytes;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bytes);
    }

    /** The text as written ({@code 64MiB}), or the number of bytes. */
    @Override
    public String toString() {
        return text;
    }

    /**
     * Parses a size.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text
                    + "' (write bytes as a number, or e.g. 64MiB, 1.5GiB, 512M)");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        long unit = m.group(2) == null ? 1 : UNITS.get(Character.toUpperCase(m.group(2).charAt(0)));
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(unit));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        return bytes.longValue();
    }

    /**
     * Parses a size given for the settings key {@code key}, whose name the error message carries.
     *
     * @throws IllegalArgumentException naming the key, the text and the accepted forms
     */
    public static long parse(String key, String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /** {@code 1.5 GiB}, {@code 312.0 MiB}, {@code 512 B}: one decimal above a KiB. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < SUFFIXES.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, SUFFIXES[unit]);
    }
}
