package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.StorePath;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What package-stepping keeps between calls in the journal's plugin state: the unit limit
 * after a step ran out of disk, the units of the step proposed last, the sizes measured after
 * steps (for the growth factor), and for a plan the steps after each proposed toplevel.
 */
final class SteppingState {

    /** The unit limit per step after a step ran out of disk. */
    static final String MAX_UNITS = "maxUnitsPerStep";
    /** The units of the step proposed last with their old bytes ({@link Pending}). */
    static final String PENDING = "pending";
    /** Old and new bytes of the units measured after their steps, for the growth factor ({@link Measured}). */
    static final String MEASURED = "measured";
    static final String MEASURED_UNIT = "measured.unit.";
    /** For a plan: what the step that reaches a toplevel upgraded and the steps after it ({@link Planned}). */
    static final String PLAN = "plan.";
    static final String PLAN_BASE = "plan.base";

    /** A batch of a plan still to come: its units and the bytes it adds. */
    record Batch(List<String> units, long addedBytes) {
        Batch {
            units = List.copyOf(units);
        }
    }

    /** What a plan remembers of a proposed toplevel: the units upgraded in it and the batches after it. */
    record Planned(Set<String> upgraded, List<Batch> rest) {
        Planned {
            upgraded = Collections.unmodifiableSet(new TreeSet<>(upgraded));
            rest = List.copyOf(rest);
        }
    }

    /** The units of the step proposed last, with their old bytes, in the order proposed. */
    record Pending(Map<String, Long> oldBytes) {
        Pending {
            oldBytes = Collections.unmodifiableMap(new LinkedHashMap<>(oldBytes));
        }
    }

    /** The totals of old and new bytes of the units measured after their steps. */
    record Measured(long oldBytes, long newBytes) {
    }

    /** A unit's new bytes measured after the step that upgraded it. */
    record UnitBytes(long newBytes) {
    }

    private final PluginState state;

    SteppingState(PluginState state) {
        this.state = state;
    }

    /** The unit limit set after a step ran out of disk, if any. */
    Optional<Integer> maxUnits() {
        return state.get(MAX_UNITS).map(Integer::parseInt);
    }

    void limitUnits(int max) {
        state.put(MAX_UNITS, String.valueOf(max));
    }

    /** The units of the step proposed last, with their old bytes, in the order written. */
    Optional<Map<String, Long>> pending() {
        return state.get(PENDING, Pending.class).map(Pending::oldBytes);
    }

    void pending(Map<String, Long> oldBytes) {
        state.put(PENDING, new Pending(oldBytes));
    }

    void clearPending() {
        state.remove(PENDING);
    }

    /** Notes the new bytes of a unit upgraded by a step. */
    void measuredUnit(String key, long newBytes) {
        state.put(MEASURED_UNIT + key, new UnitBytes(newBytes));
    }

    /** Adds old and new bytes of units measured after a step to the totals. */
    void addMeasured(long oldBytes, long newBytes) {
        Measured before = measured();
        state.put(MEASURED, new Measured(before.oldBytes() + oldBytes, before.newBytes() + newBytes));
    }

    /** The measured ratio of new to old bytes once a step measured one, else {@code configured}. */
    double growth(double configured) {
        Measured measured = measured();
        return measured.oldBytes() > 0 && measured.newBytes() > 0
                ? (double) measured.newBytes() / measured.oldBytes() : configured;
    }

    private Measured measured() {
        return state.get(MEASURED, Measured.class).orElse(new Measured(0, 0));
    }

    /** The system a plan's steps are masked from: a {@code .drv}, or a toplevel when its derivations were gone. */
    Optional<StorePath> planBase() {
        return state.get(PLAN_BASE).map(StorePath::new);
    }

    void planBase(String base) {
        state.put(PLAN_BASE, base);
    }

    /** What a plan remembered of the proposed toplevel, if it proposed it. */
    Optional<Planned> planned(StorePath toplevel) {
        return state.get(PLAN + toplevel, Planned.class);
    }

    /** Notes, for a plan's later steps, what the step to {@code toplevel} upgraded and what comes after it. */
    void planned(StorePath toplevel, Collection<String> upgraded, List<Batch> rest) {
        state.put(PLAN + toplevel, new Planned(new TreeSet<>(upgraded), rest));
    }
}
