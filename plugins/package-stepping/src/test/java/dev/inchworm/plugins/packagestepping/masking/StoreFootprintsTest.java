package dev.inchworm.plugins.packagestepping.masking;

import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.plugins.packagestepping.planning.Footprint;
import dev.inchworm.plugins.packagestepping.planning.StoreFootprints;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Footprints from in-memory trees and store facts: shared rebuilt libraries, pins, caches. */
class StoreFootprintsTest {

    private final CutAndUnitsTest.Tree tree = new CutAndUnitsTest.Tree();
    private final Map<StorePath, PathInfo> current = new HashMap<>();
    private Masking masking;
    private StorePath app2;
    private StorePath libc2;

    private StorePath out(StorePath drv) {
        return tree.all.get(drv).outputPaths().get("out");
    }

    private void built(StorePath drv, long bytes, StorePath... runtimeInputs) {
        List<StorePath> refs = java.util.Arrays.stream(runtimeInputs).map(this::out).toList();
        current.put(out(drv), new PathInfo(out(drv), bytes, refs, Optional.of(drv)));
    }

    @BeforeEach
    void twoAppsOnALibraryThatIsRebuilt() {
        StorePath libc1 = tree.add("libc-1", Map.of());
        StorePath app1 = tree.add("app-1.0", Map.of(), libc1);
        StorePath tool1 = tree.add("tool-1.0", Map.of(), libc1);
        StorePath top1 = tree.add("nixos-system", CutAndUnitsTest.CHEAP,
                tree.add("system-path", CutAndUnitsTest.CHEAP, app1, tool1));
        libc2 = tree.add("libc-2", Map.of());
        app2 = tree.add("app-2.0", Map.of(), libc2);
        StorePath tool2 = tree.add("tool-2.0", Map.of(), libc2);
        StorePath top2 = tree.add("nixos-system", CutAndUnitsTest.CHEAP,
                tree.add("system-path", CutAndUnitsTest.CHEAP, app2, tool2));
        built(libc1, 30);
        built(app1, 100, libc1);
        built(tool1, 50, libc1);
        masking = new Masking(tree.source(), top2, top1);
    }

    private Map<String, Footprint> byKey(StoreFootprints footprints) {
        Map<String, Footprint> byKey = new HashMap<>();
        footprints.footprints().forEach(f -> byKey.put(f.key(), f));
        return byKey;
    }

    @Test
    void theRebuiltLibraryIsOneItemSharedByBothUnitsAtItsCounterpartsSizeTimesGrowth() {
        StoreFootprints footprints = new StoreFootprints(masking, tree.source(), current, Map.of(), Set.of(), 2.0);

        Map<String, Footprint> units = byKey(footprints);
        assertEquals(Set.of("app", "tool"), units.keySet());
        assertEquals(Set.of(out(app2).path(), out(libc2).path()), units.get("app").newItems());
        assertTrue(units.get("tool").newItems().contains(out(libc2).path()));
        assertEquals(60L, footprints.itemBytes().get(out(libc2).path()));
        assertEquals(200L, footprints.itemBytes().get(out(app2).path()));
        assertEquals(new StoreFootprints.UnitSize(130, 260, false), footprints.sizes().get("app"));
        assertEquals(2, units.get("app").oldItems().size(), "app-1.0 and libc-1");
    }

    @Test
    void aSourceTheStoreLacksIsTiedToWhatIsBuiltFromItAndSizedByItsCounterpart() {
        // tool 2.0 is built from a tarball the store lacks (its old one was collected)
        StorePath libc1 = tree.add("libc-1", Map.of());
        StorePath tool1 = tree.add("tool-1.0", Map.of(), libc1);
        StorePath top1 = tree.add("nixos-system", CutAndUnitsTest.CHEAP,
                tree.add("system-path", CutAndUnitsTest.CHEAP, tool1));
        StorePath tarball = tree.fixed("tool-2.0.tar.gz", Map.of());
        StorePath tool2 = tree.add("tool-2.0", Map.of(), libc1, tarball);
        StorePath top2 = tree.add("nixos-system", CutAndUnitsTest.CHEAP,
                tree.add("system-path", CutAndUnitsTest.CHEAP, tool2));
        current.clear();
        built(libc1, 30);
        built(tool1, 50, libc1);
        Masking m = new Masking(tree.source(), top2, top1);

        StoreFootprints plain = new StoreFootprints(m, tree.source(), current, Map.of(), Set.of(), 1.0);
        StoreFootprints learned = new StoreFootprints(m, tree.source(), current, Map.of(), Set.of(), 1.0,
                unit -> unit.equals("tool") ? java.util.OptionalLong.of(120) : java.util.OptionalLong.empty());

        Footprint tool = byKey(plain).get("tool");
        assertEquals(Map.of(out(tool2).path(), List.of(out(tarball).path())), plain.sources());
        assertTrue(tool.newItems().contains(out(tool2).path()), "what the source is built into is the unit's");
        assertEquals(50L, plain.itemBytes().get(out(tarball).path()), "as big as the old tool");
        assertEquals(70L, learned.itemBytes().get(out(tarball).path()), "the learned peak less the output");
    }

    @Test
    void pinnedPathsAreNeverFreedAndCacheSizesAreExact() {
        Set<StorePath> pinned = Set.copyOf(current.keySet());
        Map<StorePath, PathInfo> cache = Map.of(
                out(app2), new PathInfo(out(app2), 123, List.of(out(libc2)), Optional.empty()),
                out(libc2), new PathInfo(out(libc2), 45, List.of(), Optional.empty()));

        StoreFootprints footprints = new StoreFootprints(masking, tree.source(), current, cache, pinned, 2.0);

        Map<String, Footprint> units = byKey(footprints);
        assertTrue(units.get("app").oldItems().isEmpty(), "the booted system keeps the old closure");
        assertEquals(new StoreFootprints.UnitSize(130, 168, true), footprints.sizes().get("app"));
        assertEquals(false, footprints.sizes().get("tool").newFromCache(), "tool-2.0 is not in the cache");
    }
}
