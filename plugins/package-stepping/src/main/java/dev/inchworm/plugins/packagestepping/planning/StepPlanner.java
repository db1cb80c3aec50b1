package dev.inchworm.plugins.packagestepping.planning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders and batches units so that the store's predicted usage stays within what is free at
 * every step. Pure: sizes in, steps out.
 *
 * <p>At a step the store holds the old items of every unit not upgraded yet (the step's own
 * included: the running system keeps them), the new items of the units upgraded before and
 * the new items of the step's units; after it, the old items no remaining unit holds are
 * collected. Items are sets, so a dependency shared by several units counts once: a
 * mass-rebuilt library comes with the first upgraded dependent and is free for the next.
 * A unit's sources count at the peak of the step that builds what they are built into, once
 * however many of the step's units need them, and not after it (the step's collection takes
 * them): the library's source comes with the library's step, not with every dependent's.
 *
 * <p>Greedy, one pick at a time: units whose upgrade frees at least what it adds go first,
 * cheapest first; then the others, those that free the most first (the classic order for
 * tasks that borrow and return space), the biggest first among equals. A step takes picks while its peak fits and its limits
 * allow, so small units batch up and a mass rebuild takes a handful of steps.
 *
 * <p>Items are numbered and each unit's sets held as bits ({@link ItemBits}), so that scoring
 * every candidate at every pick costs words, not hash lookups: a mass rebuild of a system of
 * thousands of packages (hundreds of units, each holding thousands of items) plans in well
 * under a second.
 */
public final class StepPlanner {

    private final Map<String, Long> itemBytes;
    private final Map<String, List<String>> sources;
    private final long freeBytes;
    private final long batchBytes;
    private final int maxUnitsPerStep;

    /**
     * @param itemBytes       the size of every item the footprints name (missing ones count 0)
     * @param freeBytes       what the steps may add at their peak over the usage now (free
     *                        bytes minus the reserve)
     * @param batchBytes      at most this many added bytes per step (0: no limit but the space)
     * @param maxUnitsPerStep at most this many units per step (0: no limit); forced units
     *                        always go together
     */
    public StepPlanner(Map<String, Long> itemBytes, long freeBytes, long batchBytes, int maxUnitsPerStep) {
        this(itemBytes, Map.of(), freeBytes, batchBytes, maxUnitsPerStep);
    }

    /**
     * @param sources for a new item built from sources the store lacks, those sources (items
     *                sized in {@code itemBytes}): a unit whose new items include it needs them
     *                at the peak of the step that builds it, and not after (collected). One map
     *                for all units, not a copy per unit: a mass rebuild's library sources are
     *                in the closure of every unit.
     */
    public StepPlanner(Map<String, Long> itemBytes, Map<String, List<String>> sources, long freeBytes,
                       long batchBytes, int maxUnitsPerStep) {
        this.itemBytes = Map.copyOf(itemBytes);
        this.sources = sources;
        this.freeBytes = freeBytes;
        this.batchBytes = batchBytes;
        this.maxUnitsPerStep = maxUnitsPerStep;
    }

    /** A unit's footprint as bits. */
    private record Unit(String key, boolean forced, ItemBits oldBits, ItemBits newBits, int[] oldIds,
                        int[] sourceIds, int[] builtIds) {
    }

    /** Plans all steps for these units. */
    public Schedule plan(Collection<Footprint> units) {
        List<Footprint> sorted = units.stream().sorted(Comparator.comparing(Footprint::key)).toList();
        Map<String, Integer> ids = new HashMap<>();
        for (Footprint u : sorted) {
            u.oldItems().forEach(i -> ids.putIfAbsent(i, ids.size()));
            u.newItems().forEach(i -> ids.putIfAbsent(i, ids.size()));
        }
        sources.values().forEach(list -> list.forEach(source -> ids.putIfAbsent(source, ids.size())));
        int n = ids.size();
        long[] sizes = new long[n];
        ids.forEach((item, id) -> sizes[id] = itemBytes.getOrDefault(item, 0L));
        Map<String, Unit> remaining = new LinkedHashMap<>();
        int[] oldHolders = new int[n];
        for (Footprint u : sorted) {
            ItemBits oldBits = new ItemBits(n);
            ItemBits newBits = new ItemBits(n);
            int[] oldIds = u.oldItems().stream().mapToInt(ids::get).toArray();
            for (int id : oldIds) {
                oldBits.set(id);
                oldHolders[id]++;
            }
            u.newItems().forEach(i -> newBits.set(ids.get(i)));
            // Each source once per unit, tied to the first of its new items built from it.
            List<int[]> pairs = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String item : u.newItems().stream().sorted().toList()) {
                for (String source : sources.getOrDefault(item, List.of())) {
                    if (seen.add(source)) {
                        pairs.add(new int[] {ids.get(source), ids.get(item)});
                    }
                }
            }
            int[] sourceIds = pairs.stream().mapToInt(pair -> pair[0]).toArray();
            int[] builtIds = pairs.stream().mapToInt(pair -> pair[1]).toArray();
            remaining.put(u.key(), new Unit(u.key(), u.forced(), oldBits, newBits, oldIds, sourceIds, builtIds));
        }
        ItemBits none = new ItemBits(n);
        ItemBits held = positive(oldHolders);
        ItemBits newHave = new ItemBits(n);
        long start = held.sizeWithout(none, none, sizes);
        long present = start;
        long worst = 0;
        List<Schedule.Batch> batches = new ArrayList<>();
        boolean first = true;
        while (!remaining.isEmpty()) {
            Step step = new Step(oldHolders.clone(), newHave.copy(), held, sizes);
            long peak = present;
            List<String> batch = new ArrayList<>();
            if (first) {
                for (Unit u : remaining.values()) {
                    if (u.forced()) {
                        peak += step.take(u);
                        batch.add(u.key());
                    }
                }
                if (peak - start > freeBytes) {
                    return new Schedule.Unfit(String.join(", ", batch), peak - start, freeBytes, batches);
                }
            }
            while (maxUnitsPerStep <= 0 || batch.size() < maxUnitsPerStep || first && batch.isEmpty()) {
                Unit pick = null;
                long pickAdds = 0;
                for (Unit u : order(remaining.values(), batch, step)) {
                    long adds = step.added(u);
                    boolean fits = peak + adds - start <= freeBytes;
                    boolean withinBatch = batch.isEmpty() || batchBytes <= 0 || peak + adds - present <= batchBytes;
                    if (fits && withinBatch) {
                        pick = u;
                        pickAdds = adds;
                        break;
                    }
                }
                if (pick == null) {
                    break;
                }
                step.take(pick);
                peak += pickAdds;
                batch.add(pick.key());
            }
            if (batch.isEmpty()) {
                Unit least = remaining.values().stream()
                        .min(Comparator.comparingLong(step::added).thenComparing(Unit::key)).orElseThrow();
                return new Schedule.Unfit(least.key(), present + step.added(least) - start, freeBytes, batches);
            }
            worst = Math.max(worst, peak - start);
            batches.add(new Schedule.Batch(batch, peak - present, peak - start));
            batch.forEach(remaining::remove);
            oldHolders = step.holdersAfter;
            held = positive(oldHolders);
            newHave = step.batchNew;
            present = held.sizeOr(newHave, sizes);
            first = false;
        }
        return new Schedule.Steps(batches, worst);
    }

    private static ItemBits positive(int[] counts) {
        ItemBits bits = new ItemBits(counts.length);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                bits.set(i);
            }
        }
        return bits;
    }

    /**
     * One step being filled: the new items it holds ({@code batchNew}, those of earlier steps
     * included), how many remaining units hold each old item after it, and which old items
     * exactly one does ({@code single}: upgrading that one frees them).
     */
    private static final class Step {
        final int[] holdersAfter;
        final ItemBits batchNew;
        final ItemBits single;
        final ItemBits held;
        final long[] sizes;
        /** The sources this step fetches: gone after it, so not carried to the next. */
        final ItemBits fetched;

        Step(int[] holdersAfter, ItemBits batchNew, ItemBits held, long[] sizes) {
            this.holdersAfter = holdersAfter;
            this.batchNew = batchNew;
            this.held = held;
            this.sizes = sizes;
            this.fetched = new ItemBits(holdersAfter.length);
            this.single = new ItemBits(holdersAfter.length);
            for (int i = 0; i < holdersAfter.length; i++) {
                if (holdersAfter[i] == 1) {
                    single.set(i);
                }
            }
        }

        /**
         * New bytes the unit would add: its new items neither built in this step yet nor held
         * already, and the sources of what it still needs built that this step has not fetched.
         */
        long added(Unit u) {
            long sources = 0;
            for (int i = 0; i < u.sourceIds().length; i++) {
                if (needs(u, i)) {
                    sources += sizes[u.sourceIds()[i]];
                }
            }
            return u.newBits().sizeWithout(batchNew, held, sizes) + sources;
        }

        private boolean needs(Unit u, int source) {
            int id = u.sourceIds()[source];
            int built = u.builtIds()[source];
            return !batchNew.get(built) && !held.get(built) && !fetched.get(id) && !held.get(id);
        }

        /** Old bytes the unit would free: old items it alone holds, not needed new. */
        long freed(Unit u) {
            return u.oldBits().sizeWithin(single, batchNew, u.newBits(), sizes);
        }

        long take(Unit u) {
            long adds = added(u);
            for (int i = 0; i < u.sourceIds().length; i++) {
                if (needs(u, i)) {
                    fetched.set(u.sourceIds()[i]);
                }
            }
            batchNew.or(u.newBits());
            for (int id : u.oldIds()) {
                int left = --holdersAfter[id];
                if (left == 1) {
                    single.set(id);
                } else {
                    single.clear(id);
                }
            }
            return adds;
        }
    }

    private static List<Unit> order(Collection<Unit> remaining, List<String> batch, Step step) {
        List<Unit> candidates = new ArrayList<>();
        Map<String, long[]> score = new HashMap<>();
        for (Unit u : remaining) {
            if (batch.contains(u.key())) {
                continue;
            }
            score.put(u.key(), new long[] {step.added(u), step.freed(u)});
            candidates.add(u);
        }
        candidates.sort(Comparator
                .comparing((Unit u) -> score.get(u.key())[0] > score.get(u.key())[1])
                .thenComparingLong(u -> score.get(u.key())[0] <= score.get(u.key())[1]
                        ? score.get(u.key())[0] : -score.get(u.key())[1])
                // Among equals, the biggest first: its build-time transients come while the least is held.
                .thenComparingLong(u -> -score.get(u.key())[0])
                .thenComparing(Unit::key));
        return candidates;
    }
}
