package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.runtime.engine.EngineSetup;
import dev.inchworm.runtime.engine.ExtensionCalls;
import dev.inchworm.runtime.engine.Progress;
import dev.inchworm.runtime.engine.StrategyChain;
import dev.inchworm.runtime.journal.InstalledRevisions;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.JournalPluginState;
import dev.inchworm.runtime.journal.LearnedNotes;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.StepRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What every phase of one run shares: the journal it reads and writes, the host's services,
 * the progress it reports to, the extension calls and the strategy chain. The journal is the
 * only state: a phase reads the record, acts, and writes the next record.
 */
final class ActiveRun {

    private final EngineSetup setup;
    private final Journal journal;
    private final Progress progress;
    private final InstalledRevisions installed;
    private final ExtensionCalls calls;
    private final StrategyChain chain;
    private final Upkeep upkeep;

    ActiveRun(EngineSetup setup, Journal journal, Progress progress) {
        this.setup = setup;
        this.journal = journal;
        this.progress = progress;
        this.installed = InstalledRevisions.open(setup.stateDir());
        this.calls = new ExtensionCalls(setup, (point, id) -> new JournalPluginState(journal, point + ":" + id),
                LearnedNotes.open(setup.stateDir(), true));
        this.chain = new StrategyChain(setup.extensions(), calls);
        this.upkeep = new Upkeep(this);
    }

    EngineSetup setup() {
        return setup;
    }

    Journal journal() {
        return journal;
    }

    Progress progress() {
        return progress;
    }

    Nix nix() {
        return setup.nix();
    }

    InstalledRevisions installed() {
        return installed;
    }

    ExtensionCalls calls() {
        return calls;
    }

    StrategyChain chain() {
        return chain;
    }

    /** Generations, GC roots and garbage collection. */
    Upkeep upkeep() {
        return upkeep;
    }

    /** The journal's record of the run. */
    RunRecord record() {
        return journal.current();
    }

    /** The step in the works: the run's last one. */
    StepRecord lastStep() {
        return journal.current().lastStep().orElseThrow(() -> new IllegalStateException("the run has no step"));
    }

    /** Writes the next record of the run before the run acts on it. */
    void update(UnaryOperator<RunRecord> next) {
        journal.update(next);
    }

    /**
     * Where the host is, from its profile, named with what the journal knows of that system.
     * With an action that leaves the profile alone ({@code test}, {@code dry-activate}) the
     * profile stays on the initial generation: the host is on the last step the run activated.
     */
    SystemState currentState() {
        RunRecord run = journal.current();
        Generation generation = nix().currentGeneration().orElseThrow(() ->
                new IllegalStateException("the system profile has no current generation"));
        StorePath toplevel = activatedToplevel(run).orElse(generation.toplevel());
        StorePath drv = null;
        Revision revision = null;
        if (toplevel.equals(run.initial().toplevel())) {
            drv = run.initial().drv();
            revision = run.initial().revision();
        } else {
            for (int i = run.steps().size() - 1; i >= 0; i--) {
                StepRecord step = run.steps().get(i);
                if (step.toplevel().equals(toplevel)) {
                    drv = step.drv();
                    revision = step.revision();
                    break;
                }
            }
        }
        if (revision == null) {
            revision = installed.revisionOf(toplevel).orElse(null);
        }
        return new SystemState(generation, toplevel, Optional.ofNullable(drv), Optional.ofNullable(revision));
    }

    /**
     * With an action that leaves the profile alone, the toplevel of the run's last done step
     * (empty before the first): the journal, not the profile, says where the host is.
     */
    Optional<StorePath> activatedToplevel(RunRecord run) {
        if (setup.action().setsProfile()) {
            return Optional.empty();
        }
        List<StepRecord> done = run.doneSteps();
        return done.isEmpty() ? Optional.empty() : Optional.of(done.get(done.size() - 1).toplevel());
    }

    /** The run's steps as the strategies see them. */
    List<StepResult> history() {
        return journal.current().steps().stream().map(StepRecord::result).toList();
    }
}
