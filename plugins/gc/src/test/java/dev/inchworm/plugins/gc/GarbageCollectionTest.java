package dev.inchworm.plugins.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectionTest {

    static final long MIB = 1L << 20;

    @TempDir
    Path state;

    record Context(NoSettings settings, Host host, PluginState state, Set<Integer> protectedGenerations)
            implements ReclaimContext<NoSettings> {
    }

    @Test
    void collectsWhatNothingRootsAndSaysHowMuch() {
        MemoryNix nix = new MemoryNix(100 * MIB);
        MemoryNix.Drv system = nix.system("1", nix.pkg("app-1", 10 * MIB));
        nix.install(system);
        MemoryNix.Drv junk = nix.pkg("junk", 7 * MIB);
        nix.realise(junk.drv(), Optional.empty(), line -> { });

        GarbageCollection gc = new GarbageCollection();
        Reclaimed freed = gc.reclaim(new Context(new NoSettings(), nix.host(state), MemoryNix.notes(), Set.of(1)), MIB);

        assertEquals(7 * MIB, freed.freedBytes());
        assertTrue(freed.summary().contains("collected 1 paths"), freed.summary());
        assertTrue(nix.isValid(system.out()), "the system stays");
        assertEquals(Reclaimer.COST_FREE, gc.cost());
        assertTrue(nix.calls.contains("collectGarbage"));
    }
}
