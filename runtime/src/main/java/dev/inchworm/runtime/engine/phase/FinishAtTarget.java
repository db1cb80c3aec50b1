package dev.inchworm.runtime.engine.phase;

import dev.inchworm.runtime.journal.RunRecord;

/**
 * Run phase FINISHING: the host runs the target, so the initial generation is no longer needed
 * for a rollback of this run. Its derivation stays rooted past the run, so
 * {@code inchworm rollback} can still rebuild the system it replaced.
 */
final class FinishAtTarget {

    private FinishAtTarget() {
    }

    static void act(ActiveRun run) {
        RunRecord record = run.record();
        run.progress().stage("at the target " + record.target().toplevel().name());
        if (!record.doneSteps().isEmpty() && run.upkeep().deleteGeneration(record.initial().generation(),
                record.initial().toplevel(), run.upkeep().liveGenerations())) {
            run.upkeep().installBootEntriesIfMeasured("at the target");
        }
        if (record.initial().drv() != null && !record.doneSteps().isEmpty()) {
            run.upkeep().keepDerivation(record.initial().drv(), run.upkeep().beforeLastRunRoot());
        }
        run.upkeep().deleteRoots(record);
        run.upkeep().collectGarbage("at the target");
        run.installed().record(record.target().toplevel(), record.targetRevision(), run.setup().clock().instant());
    }
}
