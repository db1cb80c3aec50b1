package dev.inchworm.plugins.shednonvital;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.StorePath;
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
 * @param shedOutputs   the shed units' old outputs, which the collection after the shed step should free
 */
record ShedPlan(StorePath shedDrv, StorePath shedToplevel, StorePath vitalDrv, StorePath vitalToplevel,
                List<String> units, long freedBytes, long vitalBytes, long restoreBytes, List<StorePath> shedOutputs) {

    ShedPlan {
        units = List.copyOf(units);
        shedOutputs = List.copyOf(shedOutputs);
    }

    private static final String NOTE = "plan";

    /** One note, so a crash leaves all of it or none. */
    void save(PluginState state) {
        state.put(NOTE, this);
    }

    static Optional<ShedPlan> load(PluginState state) {
        return state.get(NOTE, ShedPlan.class);
    }
}
