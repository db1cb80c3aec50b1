package dev.inchworm.runtime.engine;

import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.reclaim.ReclaimContext;
import java.util.Objects;
import java.util.Set;

/** What a reclaimer is told: the generations it must leave alone. */
record EngineReclaimContext<S extends Record>(S settings, Host host, PluginState state,
                                              Set<Integer> protectedGenerations) implements ReclaimContext<S> {

    EngineReclaimContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
        protectedGenerations = Set.copyOf(protectedGenerations);
    }
}
