package dev.inchworm.plugins.commitwalk;

import java.util.function.IntPredicate;

/**
 * Finds the farthest index of a window {@code [from, to]} that fits, when fitting is monotone
 * (everything before a fitting index fits too): galloping 1, 2, 4, 8 ... ahead, then a binary
 * search between the last index that fitted and the first that did not. Each probe is an
 * evaluation on a real host (about 1 GB of RAM and tens of seconds), so it probes O(log d)
 * indices for an answer d ahead, however long the window.
 *
 * <p>Its bounds are kept as it goes, so a caller whose probe throws (the evaluation budget is
 * used up) still knows the farthest index found to fit so far.
 */
final class Gallop {

    private final int from;
    private final int to;
    private final IntPredicate fits;
    private int lastFit;
    private int firstMiss;
    private int probes;

    /**
     * @param from the first index of the window
     * @param to   the last index of the window (inclusive)
     * @param fits whether the index fits; called at most once per index
     */
    Gallop(int from, int to, IntPredicate fits) {
        if (from > to) {
            throw new IllegalArgumentException("empty window [" + from + ", " + to + "]");
        }
        this.from = from;
        this.to = to;
        this.fits = fits;
        this.lastFit = from - 1;
        this.firstMiss = to + 1;
    }

    /**
     * Searches the window.
     *
     * @param endFirst probe the window's end before galloping (worth it when that probe is cheap,
     *                 as for the target, whose evaluation the run already has)
     * @return the farthest index that fits, or {@code from - 1} when not even {@code from} does
     */
    int search(boolean endFirst) {
        if (endFirst && probe(to)) {
            return lastFit;
        }
        for (long ahead = 1; ; ahead *= 2) {
            int index = (int) Math.min(to, from + ahead - 1);
            if (index >= firstMiss || !probe(index) || index == to) {
                break;
            }
        }
        while (firstMiss - lastFit > 1) {
            probe(lastFit + (firstMiss - lastFit) / 2);
        }
        return lastFit;
    }

    private boolean probe(int index) {
        probes++;
        boolean fit = fits.test(index);
        if (fit) {
            lastFit = Math.max(lastFit, index);
        } else {
            firstMiss = Math.min(firstMiss, index);
        }
        return fit;
    }

    /** The farthest index found to fit so far ({@code from - 1} for none). */
    int lastFit() {
        return lastFit;
    }

    /** The nearest index found not to fit so far ({@code to + 1} for none). */
    int firstMiss() {
        return firstMiss;
    }

    /** How many indices were probed. */
    int probes() {
        return probes;
    }
}
