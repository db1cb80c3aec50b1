package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.Target;

/**
 * Run phase 1: the target's evaluation, once per run (a resumed run reads it from the
 * journal). Its {@code .drv} is rooted: collections after a failed step must not take the
 * derivations a later strategy (package-stepping) works from.
 */
final class EvaluateTarget {

    private EvaluateTarget() {
    }

    static Evaluation act(ActiveRun run) {
        RunRecord record = run.record();
        if (record.target() != null) {
            Evaluation known = record.target().evaluation(record.targetRevision());
            run.upkeep().keepDerivation(known.drv(), run.upkeep().targetDrvRoot(record));
            return known;
        }
        run.progress().stage("evaluating " + record.targetRevision().shortId());
        Evaluation evaluation;
        try {
            evaluation = run.setup().source().evaluate(record.targetRevision());
        } catch (NixException e) {
            throw new RunFailed(RunFailure.of("the target " + record.targetRevision().shortId()
                    + " does not evaluate: " + e.failure().detail()));
        } catch (RuntimeException e) {
            throw new RunFailed(RunFailure.of("the target " + record.targetRevision().shortId()
                    + " could not be evaluated: " + e.getMessage()));
        }
        run.update(r -> r.withTarget(Target.of(evaluation)));
        run.upkeep().keepDerivation(evaluation.drv(), run.upkeep().targetDrvRoot(run.record()));
        return evaluation;
    }
}
