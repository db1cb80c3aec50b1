package dev.inchworm.plugins.packagestepping.planning;

import java.util.List;
import java.util.Objects;

/**
 * The planner's answer: the steps in order, or why the first step that cannot fit does not.
 */
public sealed interface Schedule {

    /**
     * One step: the units it upgrades together.
     *
     * @param units      the unit keys
     * @param addedBytes bytes the step adds at its peak over what the store holds when it starts
     * @param peakBytes  the predicted store usage at its peak, relative to the usage before the
     *                   first step (so it may be negative once old units have been collected)
     */
    record Batch(List<String> units, long addedBytes, long peakBytes) {
        public Batch {
            units = List.copyOf(units);
        }
    }

    /** Steps that each fit. */
    record Steps(List<Batch> batches, long peakBytes) implements Schedule {
        public Steps {
            batches = List.copyOf(batches);
        }
    }

    /**
     * No unit left fits even alone.
     *
     * @param unit        the unit needing the least
     * @param neededBytes bytes it would add over the usage before the first step
     * @param freeBytes   bytes the plan may add over that usage
     * @param doneBefore  steps that would fit before it
     */
    record Unfit(String unit, long neededBytes, long freeBytes, List<Batch> doneBefore) implements Schedule {
        public Unfit {
            Objects.requireNonNull(unit, "unit");
            doneBefore = List.copyOf(doneBefore);
        }
    }
}
