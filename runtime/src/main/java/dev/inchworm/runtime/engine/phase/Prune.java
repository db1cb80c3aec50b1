package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.StepRecord;
import java.util.List;
import java.util.Set;

/**
 * Step phase PRUNING -> DONE: deletes the previous step's generation (never a protected one)
 * and the initial one once the run released it,
 * drops the step outputs' GC roots (the profile holds them now), keeps the step's derivation
 * for a retrace, collects garbage and remembers the revision of the system now installed.
 */
final class Prune implements StepPhaseHandler {

    @Override
    public StepRecord act(ActiveRun run, StepRecord step) {
        RunRecord record = run.record();
        List<StepRecord> done = record.doneSteps();
        boolean deleted = false;
        if (!done.isEmpty()) {
            StepRecord previous = done.get(done.size() - 1);
            Set<Integer> keep = run.upkeep().protectedGenerations(record);
            keep.add(step.generation());
            deleted = run.upkeep().deleteGeneration(previous.generation(), previous.toplevel(), keep);
        }
        if (!InitialRelease.keeps(record)) {
            // Released: the old versions go before the next step comes; its .drv stays rooted for a retrace.
            Set<Integer> keep = run.upkeep().protectedGenerations(record);
            keep.add(step.generation());
            deleted |= run.upkeep().deleteGeneration(record.initial().generation(), record.initial().toplevel(), keep);
        }
        if (deleted) {
            run.upkeep().installBootEntriesIfMeasured("after step " + step.number());
        }
        if (run.setup().action().setsProfile()) {
            run.upkeep().deleteOutputRoots(record);
        } else {
            // No generation holds this step's output: its root stays until the next step is done.
            run.upkeep().deleteOutputRoots(record, step.number());
        }
        if (record.target() == null || !step.toplevel().equals(record.target().toplevel())) {
            // A retrace goes back through the steps before the host's present system, never the target.
            run.upkeep().keepDerivation(step.drv(), run.upkeep().gcRoot(record, step.number() + ".drv"));
        }
        run.upkeep().collectGarbage("after step " + step.number());
        if (step.revision() != null) {
            run.installed().record(step.toplevel(), step.revision(), run.setup().clock().instant());
        }
        return step.finished(StepResult.Outcome.DONE);
    }
}
