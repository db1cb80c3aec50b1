package dev.inchworm.runtime.engine;

import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.api.strategy.UpgradeStrategy;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.runtime.journal.InstalledRevisions;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.LearnedNotes;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.StrategyPass;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans an upgrade without changing the host: asks the strategies for their steps as if each
 * succeeded, and asks Nix what each would build. Strategies keep their notes in memory only.
 * Evaluation may add {@code .drv} files to the store (that is how Nix evaluates); nothing is
 * built, no profile or generation is touched.
 */
final class Planner {

    /** A plan stops after this many steps: enough to show the shape of a long walk. */
    static final int MAX_PLANNED_STEPS = 20;

    private final EngineSetup setup;
    private final Progress progress;
    private final Map<String, PluginState> notes = new HashMap<>();
    private final ExtensionCalls calls;
    private final StrategyChain chain;

    Planner(EngineSetup setup, Progress progress) {
        this.setup = setup;
        this.progress = progress;
        this.calls = new ExtensionCalls(setup,
                (point, id) -> notes.computeIfAbsent(point + ":" + id, k -> new MemoryPluginState()),
                LearnedNotes.open(setup.stateDir(), false));
        this.chain = new StrategyChain(setup.extensions(), calls);
    }

    Plan plan(UpgradeRequest request) {
        List<String> remarks = new ArrayList<>();
        Optional<RunRecord> last = Journal.read(setup.stateDir());
        last.filter(r -> !r.finished()).ifPresent(r -> remarks.add("an interrupted run (" + r.runId() + ", toward "
                + r.targetRevision().shortId() + ") would be " + (setup.config().onInterrupted()
                == dev.inchworm.runtime.config.EngineConfig.Interrupted.ROLLBACK ? "rolled back" : "resumed")
                + " first"));
        Generation current = setup.nix().currentGeneration().orElseThrow(() -> new RunRefused(
                "the system profile has no generation: install a system before planning an upgrade"));
        SourceRevisions.fetch(setup.source());
        Revision to = SourceRevisions.target(setup.source(), request.to());
        Optional<Revision> from = request.from().map(ref -> SourceRevisions.from(setup.source(), ref,
                        current.toplevel(), to))
                .or(() -> SourceRevisions.current(setup.source(), InstalledRevisions.open(setup.stateDir()),
                        current.toplevel()));
        progress.stage("evaluating " + to.shortId());
        Evaluation target;
        try {
            target = setup.source().evaluate(to);
        } catch (NixException e) {
            throw new RunRefused("the target " + to.shortId() + " does not evaluate: " + e.failure().detail(), e);
        }
        StorageReport storage = calls.measure();
        long free = storage.store().freeBytes();
        long reserve = setup.config().reserveBytes();
        RunReport.Side fromSide = new RunReport.Side(from.orElse(null), current.toplevel());
        RunReport.Side toSide = new RunReport.Side(to, target.toplevel());
        if (current.toplevel().equals(target.toplevel())) {
            return new Plan(fromSide, toSide, true, free, reserve, List.of(), List.of(), true, remarks, List.of(), null,
                    List.of());
        }

        SystemState state = new SystemState(current, current.toplevel(), Optional.empty(), from);
        chain.checkProfile(state, target);
        List<Plan.StrategyUnits> units = chain.units(state, target, remarks);
        ClosureDiff closure = null;
        try {
            closure = ClosureDiff.between(setup.nix(), current.toplevel(), target);
        } catch (RuntimeException e) {
            // The diff only informs: a store that cannot be read for it leaves the plan as it is.
            remarks.add("the packages that change could not be listed: " + e.getMessage());
        }
        List<Pins.Pin> pins = List.of();
        try {
            pins = Pins.against(setup.nix(), Pins.neededBy(setup.nix(), target.drv()));
        } catch (RuntimeException e) {
            remarks.add("what the booted and current systems pin could not be read: " + e.getMessage());
        }
        List<StepResult> history = new ArrayList<>();
        List<Plan.PlannedStep> steps = new ArrayList<>();
        List<StrategyPass> passes = new ArrayList<>();
        int index = 0;
        boolean keeps = setup.config().keepInitial() != dev.inchworm.runtime.config.EngineConfig.KeepInitial.NEVER;
        while (!state.toplevel().equals(target.toplevel())) {
            if (steps.size() >= MAX_PLANNED_STEPS) {
                remarks.add("the plan stops after " + MAX_PLANNED_STEPS + " steps; more would follow");
                break;
            }
            Optional<Bound<? extends UpgradeStrategy<?>, ?>> strategy = chain.at(index);
            if (strategy.isEmpty()) {
                remarks.add("no strategy could propose a further step" + (setup.config().lastTry()
                        && steps.stream().noneMatch(p -> p.toplevel().equals(target.toplevel()))
                        ? "; an upgrade would then try the plain rebuild once as its last try (engine.lastTry)" : ""));
                break;
            }
            Proposal proposal = chain.propose(index, state, target, history, keeps);
            if (keeps && proposal instanceof Proposal.Pass kept
                    && setup.config().keepInitial() == dev.inchworm.runtime.config.EngineConfig.KeepInitial.AUTO) {
                // As the run does (ChooseStep): with keepInitial auto, a strategy that plans a
                // step only without the initial generation gets it released.
                Proposal without = chain.propose(index, state, target, history, false);
                if (without instanceof Proposal.Next) {
                    keeps = false;
                    remarks.add("the initial generation would be released once the first step is switched: "
                            + strategy.get().id() + " plans a step only without it (" + kept.reason() + ")");
                    proposal = without;
                }
            }
            if (proposal instanceof Proposal.Pass pass) {
                passes.add(new StrategyPass(strategy.get().id(), pass.reason()));
                index++;
                continue;
            }
            Step step = ((Proposal.Next) proposal).step();
            if (step.toplevel().equals(state.toplevel())) {
                passes.add(new StrategyPass(strategy.get().id(), "it proposed a step to the system already reached"));
                index++;
                continue;
            }
            DryRun dryRun = setup.nix().dryRun(step.drv());
            steps.add(new Plan.PlannedStep(steps.size() + 1, strategy.get().id(), step.description(), step.toplevel(),
                    step.estimatedBytes(), step.estimatedBytes() + reserve <= free, dryRun.toBuild(), dryRun.toFetch(),
                    step.estimateTerms()));
            Generation next = new Generation(state.generation().number() + 1, setup.clock().instant(), true,
                    step.toplevel());
            history.add(new StepResult(step, StepResult.Outcome.DONE, 0, free, Duration.ZERO, next.number()));
            state = new SystemState(next, step.toplevel(), Optional.of(step.drv()), step.revision());
        }
        boolean complete = state.toplevel().equals(target.toplevel());
        return new Plan(fromSide, toSide, false, free, reserve, steps, passes, complete, remarks, units, closure,
                pins);
    }
}
