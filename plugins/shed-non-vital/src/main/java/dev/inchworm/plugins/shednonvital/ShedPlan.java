package dev.inchworm.plugins.shednonvital;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.StorePath;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the strategy decided, in its notes (the run's journal), so that a fresh instance after
 * a crash, or the planner's next call, goes on from where the host is: the shed system, the
 * system upgraded without the shed units, the units and what shedding frees.
 *
 * @param shedDrv       the shed system's {@code .drv}
 * @param shedToplevel  its toplevel
 * @param vitalDrv      the target without the shed units
 * @param vitalToplevel its toplevel
 * @param units         the shed units' names
 * @param freedBytes    what collecting after the shed step frees (the planner's count)
 * @param vitalBytes    the estimate of the rest's step, made when shedding was decided
 * @param restoreBytes  the estimate of the last step then: the whole upgrade's less the rest's
 *                      ({@code inchworm plan} uses these two: its intermediate systems are not built)
 */
record ShedPlan(StorePath shedDrv, StorePath shedToplevel, StorePath vitalDrv, StorePath vitalToplevel,
                List<String> units, long freedBytes, long vitalBytes, long restoreBytes) {

    ShedPlan {
        units = List.copyOf(units);
    }

    void save(PluginState state) {
        state.put("shed.drv", shedDrv.path());
        state.put("shed.toplevel", shedToplevel.path());
        state.put("vital.drv", vitalDrv.path());
        state.put("vital.toplevel", vitalToplevel.path());
        state.put("units", String.join(",", units));
        state.put("freedBytes", Long.toString(freedBytes));
        state.put("vitalBytes", Long.toString(vitalBytes));
        state.put("restoreBytes", Long.toString(restoreBytes));
    }

    static Optional<ShedPlan> load(PluginState state) {
        Optional<String> units = state.get("units");
        if (units.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ShedPlan(path(state, "shed.drv"), path(state, "shed.toplevel"),
                path(state, "vital.drv"), path(state, "vital.toplevel"),
                Arrays.asList(units.get().split(",")), number(state, "freedBytes"), number(state, "vitalBytes"),
                number(state, "restoreBytes")));
    }

    private static long number(PluginState state, String key) {
        return Long.parseLong(state.get(key).orElse("0"));
    }

    private static StorePath path(PluginState state, String key) {
        return StorePath.of(state.get(key).orElseThrow(() -> new IllegalStateException("note " + key + " is missing")));
    }
}
