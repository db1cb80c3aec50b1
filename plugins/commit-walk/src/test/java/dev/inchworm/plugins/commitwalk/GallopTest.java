package dev.inchworm.plugins.commitwalk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class GallopTest {

    /** Probes of a search over {@code [0, size)} where the first {@code fitting} indices fit. */
    private static List<Integer> probes(int size, int fitting, boolean endFirst, int[] result) {
        List<Integer> probed = new ArrayList<>();
        Gallop gallop = new Gallop(0, size - 1, i -> {
            probed.add(i);
            return i < fitting;
        });
        result[0] = gallop.search(endFirst);
        assertEquals(probed.size(), gallop.probes());
        assertEquals(probed.size(), new HashSet<>(probed).size(), "no index is probed twice: " + probed);
        return probed;
    }

    @Test
    void gallopsThenBisectsBetweenTheLastFitAndTheFirstMiss() {
        int[] best = new int[1];
        List<Integer> probed = probes(64, 20, false, best);
        assertEquals(19, best[0]);
        assertEquals(List.of(0, 1, 3, 7, 15, 31, 23, 19, 21, 20), probed);
    }

    @Test
    void takesLogarithmicallyManyProbesForEveryAnswer() {
        for (int size : new int[] {1, 2, 3, 7, 64, 1000}) {
            int bound = 2 * (32 - Integer.numberOfLeadingZeros(size)) + 1;
            for (int fitting = 0; fitting <= size; fitting++) {
                int[] best = new int[1];
                List<Integer> probed = probes(size, fitting, true, best);
                assertEquals(fitting - 1, best[0], "size " + size + ", fitting " + fitting);
                assertTrue(probed.size() <= bound, "size " + size + ", fitting " + fitting + ": " + probed);
            }
        }
    }

    @Test
    void theEndFirstSettlesAWholeFitInOneProbe() {
        int[] best = new int[1];
        assertEquals(List.of(63), probes(64, 64, true, best));
        assertEquals(63, best[0]);
        assertEquals(List.of(0), probes(64, 0, false, best), "not even the first fits: one probe");
        assertEquals(-1, best[0]);
    }

    @Test
    void aWindowStartsAnywhereAndKeepsItsBoundsWhenAProbeThrows() {
        List<Integer> probed = new ArrayList<>();
        Gallop gallop = new Gallop(10, 40, i -> {
            probed.add(i);
            if (probed.size() > 3) {
                throw new IllegalStateException("budget");
            }
            return true;
        });
        assertThrows(IllegalStateException.class, () -> gallop.search(false));
        assertEquals(List.of(10, 11, 13, 17), probed);
        assertEquals(13, gallop.lastFit());
        assertEquals(41, gallop.firstMiss());
        assertThrows(IllegalArgumentException.class, () -> new Gallop(5, 4, i -> true));
    }
}
