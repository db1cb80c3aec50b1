package dev.inchworm.plugins.packagestepping.planning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders and batches units so that the store's predicted usage stays within what is free at
 * every step. Pure: sizes in, steps out.
 *
 * <p>At a step the store holds the old items of every unit not upgraded yet (the step's own
 * included: the running system keeps them), the new items of the units upgraded before and
 * the new items of the step's units; after it, the old items no remaining unit holds are
 * collected. Items are sets, so a dependency shared by several units counts once: a
 * mass-rebuilt library comes with the first upgraded dependent and is free for the next.
 *
 * <p>Greedy, one pick at a time: units whose upgrade frees at least what it adds go first,
 * cheapest first; then the others, those that free the most first (the classic order for
 * tasks that borrow and return space), the biggest first among equals. A step takes picks while its peak fits and its limits
 * allow, so small units batch up and a mass rebuild takes a handful of steps.
 */
public final class StepPlanner {

    private final Map<String, Long> itemBytes;
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
        this.itemBytes = Map.copyOf(itemBytes);
        this.freeBytes = freeBytes;
        this.batchBytes = batchBytes;
        this.maxUnitsPerStep = maxUnitsPerStep;
    }

    /** Plans all steps for these units. */
    public Schedule plan(Collection<Footprint> units) {
        Map<String, Footprint> remaining = new LinkedHashMap<>();
        units.stream().sorted(Comparator.comparing(Footprint::key)).forEach(u -> remaining.put(u.key(), u));
        Map<String, Integer> oldHolders = new HashMap<>();
        for (Footprint u : remaining.values()) {
            for (String item : u.oldItems()) {
                oldHolders.merge(item, 1, Integer::sum);
            }
        }
        Set<String> newHave = new HashSet<>();
        long start = bytes(oldHolders.keySet());
        long present = start;
        long worst = 0;
        List<Schedule.Batch> batches = new ArrayList<>();
        boolean first = true;
        while (!remaining.isEmpty()) {
            Map<String, Integer> holdersAfter = new HashMap<>(oldHolders);
            Set<String> batchNew = new HashSet<>(newHave);
            long peak = present;
            List<String> batch = new ArrayList<>();
            if (first) {
                for (Footprint u : remaining.values()) {
                    if (u.forced()) {
                        peak += take(u, batchNew, holdersAfter, oldHolders);
                        batch.add(u.key());
                    }
                }
                if (peak - start > freeBytes) {
                    return new Schedule.Unfit(String.join(", ", batch), peak - start, freeBytes, batches);
                }
            }
            while (maxUnitsPerStep <= 0 || batch.size() < maxUnitsPerStep || first && batch.isEmpty()) {
                Footprint pick = null;
                long pickAdds = 0;
                for (Footprint u : order(remaining.values(), batch, batchNew, holdersAfter, oldHolders)) {
                    long adds = added(u, batchNew, oldHolders);
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
                take(pick, batchNew, holdersAfter, oldHolders);
                peak += pickAdds;
                batch.add(pick.key());
            }
            if (batch.isEmpty()) {
                Map<String, Integer> holders = oldHolders;
                Footprint least = remaining.values().stream()
                        .min(Comparator.comparingLong((Footprint u) -> added(u, batchNew, holders))
                                .thenComparing(Footprint::key)).orElseThrow();
                return new Schedule.Unfit(least.key(), present + added(least, batchNew, holders) - start,
                        freeBytes, batches);
            }
            worst = Math.max(worst, peak - start);
            batches.add(new Schedule.Batch(batch, peak - present, peak - start));
            batch.forEach(remaining::remove);
            oldHolders = holdersAfter;
            oldHolders.values().removeIf(n -> n <= 0);
            newHave = batchNew;
            Set<String> held = new HashSet<>(oldHolders.keySet());
            held.addAll(newHave);
            present = bytes(held);
            first = false;
        }
        return new Schedule.Steps(batches, worst);
    }

    /** The candidates in pick order for the batch so far. */
    private List<Footprint> order(Collection<Footprint> remaining, List<String> batch, Set<String> batchNew,
                                  Map<String, Integer> holdersAfter, Map<String, Integer> oldHolders) {
        List<Footprint> candidates = new ArrayList<>();
        Map<String, long[]> score = new HashMap<>();
        for (Footprint u : remaining) {
            if (batch.contains(u.key())) {
                continue;
            }
            long adds = added(u, batchNew, oldHolders);
            long frees = freed(u, batchNew, holdersAfter);
            score.put(u.key(), new long[] {adds, frees});
            candidates.add(u);
        }
        candidates.sort(Comparator
                .comparing((Footprint u) -> score.get(u.key())[0] > score.get(u.key())[1])
                .thenComparingLong(u -> score.get(u.key())[0] <= score.get(u.key())[1]
                        ? score.get(u.key())[0] : -score.get(u.key())[1])
                // Among equals, the biggest first: its build-time transients come while the least is held.
                .thenComparingLong(u -> -score.get(u.key())[0])
                .thenComparing(Footprint::key));
        return candidates;
    }

    /** Bytes a unit's new items add to the store as it is during the step. */
    private long added(Footprint u, Set<String> newHave, Map<String, Integer> oldHolders) {
        long sum = 0;
        for (String item : u.newItems()) {
            if (!newHave.contains(item) && !oldHolders.containsKey(item)) {
                sum += size(item);
            }
        }
        return sum;
    }

    /** Bytes of a unit's old items no other remaining unit holds, collected after the step. */
    private long freed(Footprint u, Set<String> newHave, Map<String, Integer> holdersAfter) {
        long sum = 0;
        for (String item : u.oldItems()) {
            if (holdersAfter.getOrDefault(item, 0) == 1 && !newHave.contains(item) && !u.newItems().contains(item)) {
                sum += size(item);
            }
        }
        return sum;
    }

    /** Puts a unit into the batch; returns the bytes it adds. */
    private long take(Footprint u, Set<String> batchNew, Map<String, Integer> holdersAfter,
                      Map<String, Integer> oldHolders) {
        long adds = added(u, batchNew, oldHolders);
        batchNew.addAll(u.newItems());
        u.oldItems().forEach(i -> holdersAfter.merge(i, -1, Integer::sum));
        return adds;
    }

    private long bytes(Set<String> items) {
        long sum = 0;
        for (String item : items) {
            sum += size(item);
        }
        return sum;
    }

    private long size(String item) {
        return itemBytes.getOrDefault(item, 0L);
    }
}
