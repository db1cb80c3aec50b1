package dev.inchworm.plugins.generationprune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationPruneTest {

    static final long MIB = 1L << 20;

    @TempDir
    Path state;

    record Context(GenerationPrune.Settings settings, Host host, PluginState state, Set<Integer> protectedGenerations)
            implements ReclaimContext<GenerationPrune.Settings> {
    }

    final MemoryNix nix = new MemoryNix(100 * MIB);

    /** Generations 1..5, each its own 5 MiB system; 5 is current. */
    void fiveGenerations() {
        for (int i = 1; i <= 5; i++) {
            MemoryNix.Drv system = nix.system(String.valueOf(i), nix.pkg("app-" + i, 5 * MIB));
            nix.realise(system.drv(), Optional.empty(), line -> { });
            nix.setSystem(system.out());
        }
    }

    Reclaimed reclaim(Integer keep, Set<Integer> protectedOnes) {
        return new GenerationPrune().reclaim(new Context(new GenerationPrune.Settings(keep), nix.host(state),
                MemoryNix.notes(), protectedOnes), 1);
    }

    @Test
    void deletesAllButTheProtectedAndCollects() {
        fiveGenerations();
        Reclaimed freed = reclaim(null, Set.of(1, 5));
        assertEquals(List.of(1, 5), nix.generations().stream().map(Generation::number).toList());
        assertEquals(3 * (5 * MIB + 4096), freed.freedBytes());
        assertTrue(freed.summary().contains("deleted generations [2, 3, 4]"), freed.summary());
    }

    @Test
    void keepsTheMostRecentOnesItIsToldTo() {
        fiveGenerations();
        reclaim(2, Set.of(1, 5));
        assertEquals(List.of(1, 3, 4, 5), nix.generations().stream().map(Generation::number).toList());
    }

    @Test
    void neverDeletesTheCurrentGenerationEvenWhenNotToldToProtectIt() {
        fiveGenerations();
        reclaim(0, Set.of());
        assertEquals(List.of(5), nix.generations().stream().map(Generation::number).toList());
    }

    @Test
    void nothingToDeleteIsSaid() {
        fiveGenerations();
        Reclaimed none = reclaim(10, Set.of(5));
        assertEquals(0, none.freedBytes());
        assertEquals(5, nix.generations().size());
    }

    @Test
    void settingsDefaultToKeepNothingAndRejectNegatives() {
        assertEquals(0, new GenerationPrune.Settings(null).keep());
        assertThrows(IllegalArgumentException.class, () -> new GenerationPrune.Settings(-1));
    }
}
