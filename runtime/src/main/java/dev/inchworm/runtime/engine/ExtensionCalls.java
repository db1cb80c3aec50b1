package dev.inchworm.runtime.engine;

import dev.inchworm.api.estimate.Estimator;
import dev.inchworm.api.estimate.StoreEstimator;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.rollback.RollbackContext;
import dev.inchworm.api.rollback.RollbackResult;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.api.strategy.UnitChange;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.LoggerFactory;

/**
 * Calls the selected extensions with the contexts they expect: each gets its bound settings
 * and a host view of its own.
 */
public final class ExtensionCalls {

    private final EngineSetup setup;
    /** The notes of an extension: ({@code point}, {@code id}) to its state. */
    private final BiFunction<String, String, PluginState> states;
    private final PluginState probeState = new MemoryPluginState();
    private final PluginCalls guard;
    /** What the estimator learned on this host (lasting for runs, in memory for the rest). */
    private final PluginState learned;
    /** One estimator per current system, all over the same learned notes. */
    private final Map<StorePath, StoreEstimator> estimators = new ConcurrentHashMap<>();

    public ExtensionCalls(EngineSetup setup, BiFunction<String, String, PluginState> states) {
        this(setup, states, new MemoryPluginState());
    }

    /**
     * @param learned where the shared estimator keeps what finished steps measured
     */
    public ExtensionCalls(EngineSetup setup, BiFunction<String, String, PluginState> states, PluginState learned) {
        this.setup = setup;
        this.states = states;
        this.guard = new PluginCalls(setup.stateDir(), setup.timeouts().pluginCall());
        this.learned = learned;
    }

    /** The estimator strategies share, for the host on {@code current}. */
    public Estimator estimator(StorePath current) {
        return estimators.computeIfAbsent(current, c -> new StoreEstimator(setup.nix(), c, learned));
    }

    /**
     * Before building {@code drv}: makes sure an estimator knows what it will build (a strategy
     * that sized the step its own way did not ask), so that it can learn from the build.
     */
    public void expect(StorePath current, StorePath drv) {
        if (estimators.values().stream().noneMatch(e -> e.knows(drv))) {
            try {
                estimator(current).estimate(drv);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger("inchworm.engine").warn("cannot size {} for learning", drv, e);
            }
        }
    }

    /** After a step that realised {@code drv} was built: the estimators learn its sizes. */
    public void learn(StorePath drv, long peakGrowthBytes) {
        estimators.values().forEach(e -> e.learn(drv, peakGrowthBytes));
    }

    /** A fresh measurement from the profile's probe. */
    public StorageReport measure() {
        return measure(setup.extensions().probe());
    }

    public RuntimeHost hostFor(String id) {
        return new RuntimeHost(setup.host(), setup.nix(), setup.source(), setup.commands(), this::measure,
                setup.stateDir(), id, LoggerFactory.getLogger("inchworm." + id));
    }

    /** True when a strategy after the one at {@code index} exists. */
    public boolean hasFallback(int index) {
        return index < setup.extensions().strategies().size() - 1;
    }

    // One method per call, generic in the extension's settings S: each narrows the bound
    // extension from Pluggable<S> to its point's interface (a checked cast) and calls it.

    private <S extends Record> StorageReport measure(Bound<? extends StorageProbe<?>, S> probe) {
        StorageProbe<S> p = (StorageProbe<S>) probe.pluggable();
        BasicContext<S> context = new BasicContext<>(probe.settings(), hostFor(probe.id()), probeState);
        return guard.call("probe", probe.id(), "measure", () -> p.measure(context));
    }

    public <S extends Record> Proposal propose(Bound<? extends UpgradeStrategy<?>, S> strategy, int index,
                                               SystemState current, Evaluation target, List<StepResult> history,
                                               boolean keepsInitial, boolean keepsBooted, long rebootFreesBytes) {
        UpgradeStrategy<S> s = (UpgradeStrategy<S>) strategy.pluggable();
        EngineStrategyContext<S> context = strategyContext(strategy, index, current, target, history, keepsInitial,
                keepsBooted, rebootFreesBytes);
        return guard.call("strategy", strategy.id(), "propose", () -> s.propose(context));
    }

    /** The units a strategy sees changing, for a plan. */
    public <S extends Record> List<UnitChange> units(Bound<? extends UpgradeStrategy<?>, S> strategy, int index,
                                                     SystemState current, Evaluation target) {
        UpgradeStrategy<S> s = (UpgradeStrategy<S>) strategy.pluggable();
        EngineStrategyContext<S> context = strategyContext(strategy, index, current, target, List.of(), true);
        return guard.call("strategy", strategy.id(), "units", () -> s.units(context));
    }

    /** The strategy's check of what only the two systems tell about the profile ({@code nonVital} names). */
    public <S extends Record> void checkProfile(Bound<? extends UpgradeStrategy<?>, S> strategy, int index,
                                                SystemState current, Evaluation target) {
        UpgradeStrategy<S> s = (UpgradeStrategy<S>) strategy.pluggable();
        EngineStrategyContext<S> context = strategyContext(strategy, index, current, target, List.of(), true);
        guard.call("strategy", strategy.id(), "checkProfile", () -> {
            s.checkProfile(context);
            return null;
        });
    }

    public <S extends Record> Proposal afterFailure(Bound<? extends UpgradeStrategy<?>, S> strategy, int index,
                                                    SystemState current, Evaluation target,
                                                    List<StepResult> history, Step failed, NixFailure failure,
                                                    boolean keepsInitial) {
        UpgradeStrategy<S> s = (UpgradeStrategy<S>) strategy.pluggable();
        EngineStrategyContext<S> context = strategyContext(strategy, index, current, target, history, keepsInitial);
        return guard.call("strategy", strategy.id(), "afterFailure", () -> s.afterFailure(context, failed, failure));
    }

    public <S extends Record> Reclaimed reclaim(Bound<? extends Reclaimer<?>, S> reclaimer,
                                                Set<Integer> protectedGenerations, long wanted) {
        Reclaimer<S> r = (Reclaimer<S>) reclaimer.pluggable();
        EngineReclaimContext<S> context = new EngineReclaimContext<>(reclaimer.settings(), hostFor(reclaimer.id()),
                states.apply("reclaimer", reclaimer.id()), protectedGenerations);
        return guard.call("reclaimer", reclaimer.id(), "reclaim", () -> r.reclaim(context, wanted));
    }

    public <S extends Record> void acquire(Bound<? extends Provisioner<?>, S> provisioner) {
        Provisioner<S> p = (Provisioner<S>) provisioner.pluggable();
        BasicContext<S> context = provisionerContext(provisioner);
        guard.call("provisioner", provisioner.id(), "acquire", () -> {
            p.acquire(context);
            return null;
        });
    }

    public <S extends Record> void release(Bound<? extends Provisioner<?>, S> provisioner) {
        Provisioner<S> p = (Provisioner<S>) provisioner.pluggable();
        BasicContext<S> context = provisionerContext(provisioner);
        guard.call("provisioner", provisioner.id(), "release", () -> {
            p.release(context);
            return null;
        });
    }

    /** Whether the rollback says it can restore the initial system in the host's present state. */
    public <S extends Record> boolean canRestore(Bound<? extends Rollback<?>, S> rollback, RollbackFacts facts) {
        Rollback<S> r = (Rollback<S>) rollback.pluggable();
        RollbackContext<S> context = rollbackContext(rollback, facts);
        return guard.call("rollback", rollback.id(), "canRestore", () -> r.canRestore(context));
    }

    /** Restores with the rollback, when it says it can; {@code facts} give it everything but settings and host. */
    public <S extends Record> RollbackResult restore(Bound<? extends Rollback<?>, S> rollback, RollbackFacts facts) {
        Rollback<S> r = (Rollback<S>) rollback.pluggable();
        RollbackContext<S> context = rollbackContext(rollback, facts);
        if (!guard.call("rollback", rollback.id(), "canRestore", () -> r.canRestore(context))) {
            return RollbackResult.notRestored(cannotRestore(rollback, facts));
        }
        return guard.call("rollback", rollback.id(), "restore", () -> r.restore(context));
    }

    /** What a rollback that cannot restore is reported to have said. */
    public static String cannotRestore(Bound<? extends Rollback<?>, ?> rollback, RollbackFacts facts) {
        return rollback.id() + " cannot restore the initial system " + facts.initialToplevel()
                + " in the host's present state";
    }

    private <S extends Record> RollbackContext<S> rollbackContext(Bound<?, S> rollback, RollbackFacts facts) {
        return new EngineRollbackContext<>(rollback.settings(), hostFor(rollback.id()),
                states.apply("rollback", rollback.id()), facts.initialGeneration(), facts.initialToplevel(),
                facts.initialDrv(), facts.initialRevision(), facts.steps(), setup.action());
    }

    private <S extends Record> EngineStrategyContext<S> strategyContext(Bound<?, S> strategy, int index,
                                                                        SystemState current, Evaluation target,
                                                                        List<StepResult> history,
                                                                        boolean keepsInitial) {
        return strategyContext(strategy, index, current, target, history, keepsInitial, true, 0);
    }

    private <S extends Record> EngineStrategyContext<S> strategyContext(Bound<?, S> strategy, int index,
                                                                        SystemState current, Evaluation target,
                                                                        List<StepResult> history,
                                                                        boolean keepsInitial, boolean keepsBooted,
                                                                        long rebootFreesBytes) {
        StorageReport storage = measure();
        if (!keepsBooted && rebootFreesBytes > 0) {
            // Asked as after a reboot: the store as the collection after the boot leaves it.
            Volume store = storage.store();
            storage = new StorageReport(storage.at(), new Volume(store.path(), store.totalBytes(),
                    Math.min(store.totalBytes(), store.freeBytes() + rebootFreesBytes), store.totalInodes(),
                    store.freeInodes()), storage.boot());
        }
        return new EngineStrategyContext<>(strategy.settings(), hostFor(strategy.id()),
                states.apply("strategy", strategy.id()), current, target, history, storage,
                setup.config().reserveBytes(), hasFallback(index), estimator(current.toplevel()),
                keepsInitial, setup.nonVital(), keepsBooted);
    }

    private <S extends Record> BasicContext<S> provisionerContext(Bound<?, S> provisioner) {
        return new BasicContext<>(provisioner.settings(), hostFor(provisioner.id()),
                states.apply("provisioner", provisioner.id()));
    }

    /** What a rollback is told about the run, besides its settings and host. */
    public record RollbackFacts(dev.inchworm.api.nix.Generation initialGeneration,
                         dev.inchworm.api.nix.StorePath initialToplevel,
                         java.util.Optional<dev.inchworm.api.nix.StorePath> initialDrv,
                         java.util.Optional<dev.inchworm.api.nix.Revision> initialRevision,
                         List<StepResult> steps) {
    }
}
