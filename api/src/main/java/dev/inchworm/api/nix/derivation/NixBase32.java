package dev.inchworm.api.nix.derivation;

import dev.inchworm.api.Api;
import java.util.Arrays;

/**
 * Nix's base32: its own alphabet (no e, o, u, t) and its own bit order (the last character
 * holds the lowest bits of the first byte), unlike RFC 4648.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class NixBase32 {

    /** The 32 digits in order. */
    public static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    private static final int[] DIGITS = new int[128];

    static {
        Arrays.fill(DIGITS, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            DIGITS[ALPHABET.charAt(i)] = i;
        }
    }

    private NixBase32() {
    }

    /** The number of characters that encode {@code bytes} bytes. */
    public static int encodedLength(int bytes) {
        return bytes == 0 ? 0 : (bytes * 8 - 1) / 5 + 1;
    }

    /** Encodes bytes as Nix base32. */
    public static String encode(byte[] bytes) {
        int length = encodedLength(bytes.length);
        char[] out = new char[length];
        for (int n = length - 1, k = 0; n >= 0; n--, k++) {
            int bit = n * 5;
            int i = bit / 8;
            int j = bit % 8;
            int c = (bytes[i] & 0xff) >>> j;
            if (i < bytes.length - 1) {
                c |= (bytes[i + 1] & 0xff) << (8 - j);
            }
            out[k] = ALPHABET.charAt(c & 0x1f);
        }
        return new String(out);
    }

    /**
     * Decodes Nix base32 text holding {@code size} bytes.
     *
     * @throws IllegalArgumentException on a character outside the alphabet, a length that does
     *     not hold {@code size} bytes, or bits set beyond the last byte
     */
    public static byte[] decode(String text, int size) {
        if (text.length() != encodedLength(size)) {
            throw new IllegalArgumentException("base32 text of " + text.length()
                    + " characters cannot hold " + size + " bytes: '" + text + "'");
        }
        byte[] out = new byte[size];
        for (int n = 0; n < text.length(); n++) {
            char c = text.charAt(text.length() - n - 1);
            int digit = c < 128 ? DIGITS[c] : -1;
            if (digit < 0) {
                throw new IllegalArgumentException("invalid base32 character '" + c + "' in '" + text + "'");
            }
            int bit = n * 5;
            int i = bit / 8;
            int j = bit % 8;
            out[i] |= (byte) (digit << j);
            int carry = digit >>> (8 - j);
            if (i < size - 1) {
                out[i + 1] |= (byte) carry;
            } else if (carry != 0) {
                throw new IllegalArgumentException("base32 text '" + text + "' has bits beyond " + size + " bytes");
            }
        }
        return out;
    }
}
