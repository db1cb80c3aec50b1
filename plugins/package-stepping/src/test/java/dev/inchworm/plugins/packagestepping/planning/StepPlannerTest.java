package dev.inchworm.plugins.packagestepping.planning;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planner over hand-made footprints: peaks, order, batching, shared items, the unfit case. */
class StepPlannerTest {

    private final Map<String, Long> sizes = new HashMap<>();

    private Footprint unit(String key, long oldBytes, long newBytes) {
        sizes.put(key + "-old", oldBytes);
        sizes.put(key + "-new", newBytes);
        return new Footprint(key, oldBytes > 0 ? Set.of(key + "-old") : Set.of(),
                newBytes > 0 ? Set.of(key + "-new") : Set.of(), false);
    }

    private Schedule.Steps steps(Schedule schedule) {
        return assertInstanceOf(Schedule.Steps.class, schedule, schedule.toString());
    }

    /** Replays a schedule item by item and returns the true peak over the start. */
    private long replay(List<Footprint> units, Schedule.Steps steps) {
        Map<String, Footprint> byKey = new HashMap<>();
        units.forEach(u -> byKey.put(u.key(), u));
        Set<String> upgraded = new HashSet<>();
        long start = total(units, upgraded, Set.of());
        long worst = 0;
        for (Schedule.Batch batch : steps.batches()) {
            worst = Math.max(worst, total(units, upgraded, Set.copyOf(batch.units())) - start);
            upgraded.addAll(batch.units());
        }
        assertEquals(byKey.keySet(), upgraded, "every unit upgraded once");
        return worst;
    }

    private long total(List<Footprint> units, Set<String> upgraded, Set<String> batch) {
        Set<String> held = new HashSet<>();
        for (Footprint u : units) {
            if (!upgraded.contains(u.key())) {
                held.addAll(u.oldItems());
            }
            if (upgraded.contains(u.key()) || batch.contains(u.key())) {
                held.addAll(u.newItems());
            }
        }
        return held.stream().mapToLong(i -> sizes.getOrDefault(i, 0L)).sum();
    }

    @Test
    void aSourceCountsAtThePeakOfItsStepAndIsGoneAfter() {
        // Two leaves of 100 -> 100, each built from a 100-byte source: together they need 400,
        // alone 200 (output and source); after a step only the output stays.
        sizes.put("a-src", 100L);
        sizes.put("b-src", 100L);
        sizes.put("a-old", 100L);
        sizes.put("a-new", 100L);
        sizes.put("b-old", 100L);
        sizes.put("b-new", 100L);
        List<Footprint> units = List.of(
                new Footprint("a", Set.of("a-old"), Set.of("a-new"), false),
                new Footprint("b", Set.of("b-old"), Set.of("b-new"), false));
        Map<String, List<String>> sources = Map.of("a-new", List.of("a-src"), "b-new", List.of("b-src"));

        Schedule.Steps roomy = steps(new StepPlanner(sizes, sources, 400, 0, 0).plan(units));
        Schedule.Steps tight = steps(new StepPlanner(sizes, sources, 399, 0, 0).plan(units));

        assertEquals(1, roomy.batches().size());
        assertEquals(400, roomy.batches().get(0).addedBytes(), "both outputs and both sources");
        assertEquals(2, tight.batches().size(), tight.toString());
        // The second step starts with a's new output in place of a's old one (collected) and
        // without a's source: it adds b's output and b's source only.
        assertEquals(List.of(200L, 200L), tight.batches().stream().map(Schedule.Batch::addedBytes).toList());
        assertEquals(200, tight.peakBytes());
    }

    @Test
    void aSharedLibrarysSourceComesWithTheLibrarysStepOnly() {
        // Two apps over a library rebuilt from its 50-byte source: the first step builds the
        // library and fetches its source; the second finds the library built and fetches nothing.
        sizes.put("lib-src", 50L);
        sizes.put("lib-new", 10L);
        sizes.put("lib-old", 10L);
        List<Footprint> units = new ArrayList<>();
        for (String app : List.of("x", "y")) {
            sizes.put(app + "-old", 30L);
            sizes.put(app + "-new", 30L);
            units.add(new Footprint(app, Set.of(app + "-old", "lib-old"), Set.of(app + "-new", "lib-new"), false));
        }

        Schedule.Steps steps = steps(new StepPlanner(sizes, Map.of("lib-new", List.of("lib-src")), 90, 0, 1).plan(units));

        assertEquals(List.of(90L, 30L), steps.batches().stream().map(Schedule.Batch::addedBytes).toList());
    }

    @Test
    void twoBigUnitsThatDoNotFitTogetherTakeTwoSteps() {
        List<Footprint> units = List.of(unit("firefox", 100, 110), unit("libreoffice", 200, 210));

        Schedule.Steps steps = steps(new StepPlanner(sizes, 220, 0, 0).plan(units));

        assertEquals(2, steps.batches().size());
        assertTrue(steps.peakBytes() <= 220, steps.toString());
        assertEquals(steps.peakBytes(), replay(units, steps));
    }

    @Test
    void everythingThatFitsGoesInOneStep() {
        List<Footprint> units = List.of(unit("a", 10, 12), unit("b", 20, 22), unit("c", 5, 6));

        Schedule.Steps steps = steps(new StepPlanner(sizes, 1000, 0, 0).plan(units));

        assertEquals(1, steps.batches().size());
        assertEquals(Set.of("a", "b", "c"), Set.copyOf(steps.batches().get(0).units()));
        assertEquals(40, steps.peakBytes());
    }

    @Test
    void aShrinkingUnitGoesFirstToMakeRoomForAGrowingOne() {
        // Only 50 bytes free: "big" (100 -> 140) fits only once "slim" (300 -> 10) is collected.
        List<Footprint> units = List.of(unit("big", 100, 140), unit("slim", 300, 10));

        Schedule.Steps steps = steps(new StepPlanner(sizes, 50, 0, 0).plan(units));

        assertEquals(List.of(List.of("slim"), List.of("big")), steps.batches().stream().map(Schedule.Batch::units).toList());
        assertTrue(replay(units, steps) <= 50);
    }

    @Test
    void aMassRebuildCountsTheNewLibraryOnceAndTakesAHandfulOfSteps() {
        List<Footprint> units = new ArrayList<>();
        sizes.put("glibc-old", 50L);
        sizes.put("glibc-new", 55L);
        for (int i = 0; i < 300; i++) {
            String key = "pkg" + i;
            sizes.put(key + "-old", 10L);
            sizes.put(key + "-new", 11L);
            units.add(new Footprint(key, Set.of(key + "-old", "glibc-old"), Set.of(key + "-new", "glibc-new"), false));
        }
        // The store holds 3050 changing bytes; 800 more fit at a time.
        Schedule.Steps steps = steps(new StepPlanner(sizes, 800, 0, 0).plan(units));

        assertTrue(steps.batches().size() <= 6, steps.batches().size() + " steps");
        assertTrue(steps.peakBytes() <= 800);
        assertEquals(steps.peakBytes(), replay(units, steps));
        assertEquals(55 + 11 * steps.batches().get(0).units().size(), steps.batches().get(0).addedBytes(),
                "the new glibc comes once with the first step");
    }

    @Test
    void aUnitThatCannotFitEvenAloneIsReportedWithTheBytesItNeeds() {
        List<Footprint> units = List.of(unit("small", 10, 10), unit("huge", 100, 500));

        Schedule schedule = new StepPlanner(sizes, 200, 0, 0).plan(units);

        Schedule.Unfit unfit = assertInstanceOf(Schedule.Unfit.class, schedule);
        assertEquals("huge", unfit.unit());
        assertEquals(500, unfit.neededBytes());
        assertEquals(200, unfit.freeBytes());
        assertEquals(List.of(List.of("small")), unfit.doneBefore().stream().map(Schedule.Batch::units).toList());
    }

    @Test
    void forcedUnitsGoWithTheFirstStep() {
        Footprint added = new Footprint("added", Set.of(), Set.of("added-new"), true);
        Footprint removed = new Footprint("removed", Set.of("removed-old"), Set.of(), true);
        sizes.put("added-new", 5L);
        sizes.put("removed-old", 50L);
        List<Footprint> units = List.of(unit("a", 100, 100), added, removed);

        Schedule.Steps steps = steps(new StepPlanner(sizes, 120, 0, 1).plan(units));

        assertTrue(steps.batches().get(0).units().containsAll(List.of("added", "removed")), steps.toString());
        assertEquals(List.of("a"), steps.batches().get(1).units());
    }

    @Test
    void batchLimitsSplitSmallUnits() {
        List<Footprint> units = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            units.add(unit("u" + i, 10, 10));
        }

        Schedule.Steps byBytes = steps(new StepPlanner(sizes, 10_000, 30, 0).plan(units));
        Schedule.Steps byCount = steps(new StepPlanner(sizes, 10_000, 0, 4).plan(units));

        assertEquals(4, byBytes.batches().size());
        byBytes.batches().forEach(b -> assertTrue(b.addedBytes() <= 30, b.toString()));
        assertEquals(List.of(4, 4, 2), byCount.batches().stream().map(b -> b.units().size()).toList());
    }

    @Test
    void anUpgradeOnlyAddingUnitsFitsOnlyWhereItsNewBytesFit() {
        Footprint added = new Footprint("added", Set.of(), Set.of("added-new"), true);
        sizes.put("added-new", 70L);

        Schedule schedule = new StepPlanner(sizes, 60, 0, 0).plan(List.of(added));

        Schedule.Unfit unfit = assertInstanceOf(Schedule.Unfit.class, schedule);
        assertEquals(70, unfit.neededBytes());
    }
}
