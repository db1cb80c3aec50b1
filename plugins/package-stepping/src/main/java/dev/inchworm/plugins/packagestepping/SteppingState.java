package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What package-stepping keeps between calls in the journal's plugin state: the unit limit
 * after a step ran out of disk, the units of the step proposed last, the sizes measured after
 * steps (for the growth factor), and for a plan the steps after each proposed toplevel.
 */
final class SteppingState {

    /** The unit limit per step after a step ran out of disk. */
    static final String MAX_UNITS = "maxUnitsPerStep";
    /** The units of the step proposed last with their old bytes, {@code key=bytes;...}. */
    static final String PENDING = "pending";
    /** Old and new bytes of the units measured after their steps, for the growth factor. */
    static final String MEASURED_OLD = "measured.oldBytes";
    static final String MEASURED_NEW = "measured.newBytes";
    static final String MEASURED_UNIT = "measured.unit.";
    /** For a plan: the steps after the one that reaches a toplevel, and what it upgraded. */
    static final String PLAN_UPGRADED = "plan.upgraded.";
    static final String PLAN_REST = "plan.rest.";
    static final String PLAN_BASE = "plan.base";

    /** A batch of a plan still to come: its units and the bytes it adds. */
    record Batch(List<String> units, long addedBytes) {
        Batch {
            units = List.copyOf(units);
        }
    }

    /** What a plan remembers of a proposed toplevel: the units upgraded in it and the batches after it. */
    record Planned(Set<String> upgraded, List<Batch> rest) {
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
        return state.get(PENDING).map(text -> {
            Map<String, Long> pending = new LinkedHashMap<>();
            for (String entry : text.split(";")) {
                int eq = entry.lastIndexOf('=');
                if (eq > 0) {
                    pending.put(entry.substring(0, eq), Long.parseLong(entry.substring(eq + 1)));
                }
            }
            return pending;
        });
    }

    void pending(Map<String, Long> oldBytes) {
        StringBuilder text = new StringBuilder();
        oldBytes.forEach((key, bytes) -> text.append(key).append('=').append(bytes).append(';'));
        state.put(PENDING, text.toString());
    }

    void clearPending() {
        state.remove(PENDING);
    }

    /** Notes the new bytes of a unit upgraded by a step. */
    void measuredUnit(String key, long newBytes) {
        state.put(MEASURED_UNIT + key, String.valueOf(newBytes));
    }

    /** Adds old and new bytes of units measured after a step to the totals. */
    void addMeasured(long oldBytes, long newBytes) {
        state.put(MEASURED_OLD, String.valueOf(oldBytes + measured(MEASURED_OLD)));
        state.put(MEASURED_NEW, String.valueOf(newBytes + measured(MEASURED_NEW)));
    }

    /** The measured ratio of new to old bytes once a step measured one, else {@code configured}. */
    double growth(double configured) {
        long oldBytes = measured(MEASURED_OLD);
        long newBytes = measured(MEASURED_NEW);
        return oldBytes > 0 && newBytes > 0 ? (double) newBytes / oldBytes : configured;
    }

    private long measured(String key) {
        return state.get(key).map(Long::parseLong).orElse(0L);
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
        Optional<String> upgraded = state.get(PLAN_UPGRADED + toplevel);
        Optional<String> rest = state.get(PLAN_REST + toplevel);
        if (upgraded.isEmpty() || rest.isEmpty()) {
            return Optional.empty();
        }
        Set<String> units = new TreeSet<>(List.of(upgraded.get().split(",")));
        units.remove("");
        List<Batch> batches = new ArrayList<>();
        if (!rest.get().isEmpty()) {
            for (String batch : rest.get().split(";")) {
                int eq = batch.lastIndexOf('=');
                batches.add(new Batch(List.of(batch.substring(0, eq).split(",")),
                        Long.parseLong(batch.substring(eq + 1))));
            }
        }
        return Optional.of(new Planned(units, batches));
    }

    /** Notes, for a plan's later steps, what the step to {@code toplevel} upgraded and what comes after it. */
    void planned(StorePath toplevel, Collection<String> upgraded, List<Batch> rest) {
        state.put(PLAN_UPGRADED + toplevel, String.join(",", upgraded));
        state.put(PLAN_REST + toplevel, rest.stream().map(b -> String.join(",", b.units()) + "=" + b.addedBytes())
                .collect(Collectors.joining(";")));
    }
}
