package dev.inchworm.runtime.engine;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.rollback.RollbackContext;
import dev.inchworm.api.rollback.RollbackResult;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.LoggerFactory;

/**
 * Calls the selected extensions with the contexts they expect: each extension's settings are
 * cast once, to the type it declares, and each gets a host view of its own.
 */
public final class ExtensionCalls {

    private final EngineSetup setup;
    /** The notes of an extension: ({@code point}, {@code id}) to its state. */
    private final BiFunction<String, String, PluginState> states;
    private final PluginState probeState = new MemoryPluginState();

    public ExtensionCalls(EngineSetup setup, BiFunction<String, String, PluginState> states) {
        this.setup = setup;
        this.states = states;
    }

    /** A fresh measurement from the profile's probe. */
    public StorageReport measure() {
        Bound<StorageProbe<?>> probe = setup.extensions().probe();
        return measure(probe.extension(), probe.settings());
    }

    public RuntimeHost hostFor(String id) {
        return new RuntimeHost(setup.host(), setup.nix(), setup.source(), setup.commands(), this::measure,
                setup.stateDir(), id, LoggerFactory.getLogger("inchworm." + id));
    }

    /** True when a strategy after the one at {@code index} exists. */
    public boolean hasFallback(int index) {
        return index < setup.extensions().strategies().size() - 1;
    }

    public Proposal propose(Bound<UpgradeStrategy<?>> strategy, int index, SystemState current, Evaluation target,
                     List<StepResult> history) {
        return propose(strategy.extension(), strategy.settings(), index, current, target, history);
    }

    /** The units a strategy sees changing, for a plan. */
    public List<dev.inchworm.api.strategy.UnitChange> units(Bound<UpgradeStrategy<?>> strategy, int index, SystemState current,
                                                     Evaluation target) {
        return units(strategy.extension(), strategy.settings(), index, current, target);
    }

    public Proposal afterFailure(Bound<UpgradeStrategy<?>> strategy, int index, SystemState current, Evaluation target,
                          List<StepResult> history, Step failed, NixFailure failure) {
        return afterFailure(strategy.extension(), strategy.settings(), index, current, target, history, failed, failure);
    }

    public Reclaimed reclaim(Bound<Reclaimer<?>> reclaimer, Set<Integer> protectedGenerations, long wanted) {
        return reclaim(reclaimer.extension(), reclaimer.settings(), protectedGenerations, wanted);
    }

    public void acquire(Bound<Provisioner<?>> provisioner) {
        acquire(provisioner.extension(), provisioner.settings());
    }

    public void release(Bound<Provisioner<?>> provisioner) {
        release(provisioner.extension(), provisioner.settings());
    }

    /** Restores with the rollback, when it says it can; {@code context} gives it everything but settings and host. */
    public RollbackResult restore(Bound<Rollback<?>> rollback, RollbackFacts facts) {
        return restore(rollback.extension(), rollback.settings(), facts);
    }

    // --- one typed method per call: the cast to S happens here and nowhere else -------------

    private <S extends Record> StorageReport measure(StorageProbe<S> probe, Record settings) {
        return probe.measure(new BasicContext<>(probe.settingsType().cast(settings), hostFor(probe.id()), probeState));
    }

    private <S extends Record> EngineStrategyContext<S> strategyContext(UpgradeStrategy<S> strategy, Record settings,
                                                                        int index, SystemState current,
                                                                        Evaluation target, List<StepResult> history) {
        return new EngineStrategyContext<>(strategy.settingsType().cast(settings), hostFor(strategy.id()),
                states.apply("strategy", strategy.id()), current, target, history, measure(),
                setup.config().reserveBytes(), hasFallback(index));
    }

    private <S extends Record> Proposal propose(UpgradeStrategy<S> strategy, Record settings, int index,
                                                SystemState current, Evaluation target, List<StepResult> history) {
        return strategy.propose(strategyContext(strategy, settings, index, current, target, history));
    }

    private <S extends Record> List<dev.inchworm.api.strategy.UnitChange> units(UpgradeStrategy<S> strategy,
            Record settings, int index, SystemState current, Evaluation target) {
        return strategy.units(strategyContext(strategy, settings, index, current, target, List.of()));
    }

    private <S extends Record> Proposal afterFailure(UpgradeStrategy<S> strategy, Record settings, int index,
                                                     SystemState current, Evaluation target,
                                                     List<StepResult> history, Step failed, NixFailure failure) {
        return strategy.afterFailure(strategyContext(strategy, settings, index, current, target, history),
                failed, failure);
    }

    private <S extends Record> Reclaimed reclaim(Reclaimer<S> reclaimer, Record settings,
                                                 Set<Integer> protectedGenerations, long wanted) {
        return reclaimer.reclaim(new EngineReclaimContext<>(reclaimer.settingsType().cast(settings),
                hostFor(reclaimer.id()), states.apply("reclaimer", reclaimer.id()), protectedGenerations), wanted);
    }

    private <S extends Record> void acquire(Provisioner<S> provisioner, Record settings) {
        provisioner.acquire(new BasicContext<>(provisioner.settingsType().cast(settings),
                hostFor(provisioner.id()), states.apply("provisioner", provisioner.id())));
    }

    private <S extends Record> void release(Provisioner<S> provisioner, Record settings) {
        provisioner.release(new BasicContext<>(provisioner.settingsType().cast(settings),
                hostFor(provisioner.id()), states.apply("provisioner", provisioner.id())));
    }

    private <S extends Record> RollbackResult restore(Rollback<S> rollback, Record settings, RollbackFacts facts) {
        RollbackContext<S> context = new EngineRollbackContext<>(rollback.settingsType().cast(settings),
                hostFor(rollback.id()), states.apply("rollback", rollback.id()), facts.initialGeneration(),
                facts.initialToplevel(), facts.initialDrv(), facts.initialRevision(), facts.steps(), setup.action());
        if (!rollback.canRestore(context)) {
            return RollbackResult.notRestored(rollback.id() + " cannot restore the initial system "
                    + facts.initialToplevel() + " in the host's present state");
        }
        return rollback.restore(context);
    }

    /** What a rollback is told about the run, besides its settings and host. */
    public record RollbackFacts(dev.inchworm.api.nix.Generation initialGeneration,
                         dev.inchworm.api.nix.StorePath initialToplevel,
                         java.util.Optional<dev.inchworm.api.nix.StorePath> initialDrv,
                         java.util.Optional<dev.inchworm.api.nix.Revision> initialRevision,
                         List<StepResult> steps) {
    }
}
