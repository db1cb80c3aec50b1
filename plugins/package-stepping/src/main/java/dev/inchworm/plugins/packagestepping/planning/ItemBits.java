package dev.inchworm.plugins.packagestepping.planning;

import java.util.Arrays;

/**
 * A set of items by number, as bits in words: the planner's sets, so that a unit's items are
 * tested against what a step holds word by word rather than item by item.
 */
final class ItemBits {

    final long[] words;

    ItemBits(int items) {
        words = new long[(items + 63) >>> 6];
    }

    private ItemBits(long[] words) {
        this.words = words;
    }

    ItemBits copy() {
        return new ItemBits(Arrays.copyOf(words, words.length));
    }

    void set(int item) {
        words[item >>> 6] |= 1L << item;
    }

    void clear(int item) {
        words[item >>> 6] &= ~(1L << item);
    }

    boolean get(int item) {
        return (words[item >>> 6] & (1L << item)) != 0;
    }

    void or(ItemBits other) {
        for (int w = 0; w < words.length; w++) {
            words[w] |= other.words[w];
        }
    }

    /** Bytes of the items in this set and not in {@code a} nor {@code b}. */
    long sizeWithout(ItemBits a, ItemBits b, long[] sizes) {
        long sum = 0;
        for (int w = 0; w < words.length; w++) {
            long x = words[w] & ~a.words[w] & ~b.words[w];
            sum += sum(x, w, sizes);
        }
        return sum;
    }

    /** Bytes of the items in this set and in {@code in}, not in {@code a} nor {@code b}. */
    long sizeWithin(ItemBits in, ItemBits a, ItemBits b, long[] sizes) {
        long sum = 0;
        for (int w = 0; w < words.length; w++) {
            long x = words[w] & in.words[w] & ~a.words[w] & ~b.words[w];
            sum += sum(x, w, sizes);
        }
        return sum;
    }

    /** Bytes of the items in this set or in {@code other}. */
    long sizeOr(ItemBits other, long[] sizes) {
        long sum = 0;
        for (int w = 0; w < words.length; w++) {
            sum += sum(words[w] | other.words[w], w, sizes);
        }
        return sum;
    }

    private static long sum(long x, int w, long[] sizes) {
        long sum = 0;
        while (x != 0) {
            int bit = Long.numberOfTrailingZeros(x);
            sum += sizes[(w << 6) + bit];
            x &= x - 1;
        }
        return sum;
    }
}
