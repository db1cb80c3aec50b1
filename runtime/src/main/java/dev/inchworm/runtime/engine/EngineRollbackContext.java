package dev.inchworm.runtime.engine;

import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.rollback.RollbackContext;
import dev.inchworm.api.strategy.StepResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a rollback is told: the run's start and its steps, from the journal. */
record EngineRollbackContext<S extends Record>(S settings, Host host, PluginState state,
                                               Generation initialGeneration, StorePath initialToplevel,
                                               Optional<StorePath> initialDrv, Optional<Revision> initialRevision,
                                               List<StepResult> steps, SwitchAction action)
        implements RollbackContext<S> {

    EngineRollbackContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(initialGeneration, "initialGeneration");
        Objects.requireNonNull(initialToplevel, "initialToplevel");
        Objects.requireNonNull(initialDrv, "initialDrv");
        Objects.requireNonNull(initialRevision, "initialRevision");
        steps = List.copyOf(steps);
        Objects.requireNonNull(action, "action");
    }
}
