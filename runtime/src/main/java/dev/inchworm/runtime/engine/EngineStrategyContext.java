package dev.inchworm.runtime.engine;

import dev.inchworm.api.estimate.Estimator;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.NonVital;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.SystemState;
import java.util.List;
import java.util.Objects;

/** What a strategy is told when the engine asks it for a step: built fresh for each call. */
record EngineStrategyContext<S extends Record>(S settings, Host host, PluginState state, SystemState current,
                                               Evaluation target, List<StepResult> history, StorageReport storage,
                                               long reserveBytes, boolean hasFallback,
                                               Estimator estimator, boolean keepsInitialGeneration,
                                               List<NonVital> nonVital)
        implements StrategyContext<S> {

    EngineStrategyContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(target, "target");
        history = List.copyOf(history);
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(estimator, "estimator");
        nonVital = List.copyOf(nonVital);
    }
}
