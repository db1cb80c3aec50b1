package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.rollback.RollbackResult;
import dev.inchworm.runtime.engine.Bound;
import dev.inchworm.runtime.engine.ExtensionCalls;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run phase ROLLING_BACK: the profile's rollback restores the initial system. Its word is
 * checked against the system profile; the result (ROLLED_BACK or FAILED) is journaled.
 */
final class Restore {

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");

    private Restore() {
    }

    static void act(ActiveRun run) {
        RunRecord record = run.record();
        if (record.result() == RunResult.ROLLED_BACK) {
            return; // restored before an interruption; only the provisioners were left
        }
        Bound<? extends Rollback<?>, ?> rollback = run.setup().extensions().rollback();
        run.progress().stage("rolling back to generation " + record.initial().generation() + " with " + rollback.id()
                + (record.failure() == null ? "" : ": " + record.failure().reason()));
        RollbackResult result;
        try {
            ExtensionCalls.RollbackFacts facts = facts(run, record);
            result = record.initialReleased().isPresent() && !run.calls().canRestore(rollback, facts)
                    ? rebuildInitial(run, record, rollback.id())
                    : run.calls().restore(rollback, facts);
        } catch (RuntimeException e) {
            LOG.error("rollback {} failed", rollback.id(), e);
            result = RollbackResult.notRestored(rollback.id() + " failed: " + e);
        }
        Optional<Generation> now = run.nix().currentGeneration();
        if (result.restored() && (now.isEmpty() || !now.get().toplevel().equals(record.initial().toplevel()))) {
            result = RollbackResult.notRestored(rollback.id() + " reported success, but the system profile points at "
                    + now.map(g -> g.toplevel().toString()).orElse("nothing") + ", not the initial "
                    + record.initial().toplevel());
        }
        if (result.restored()) {
            run.upkeep().deleteRoots(record);
            run.upkeep().collectGarbage("after the rollback");
            if (record.initial().revision() != null) {
                run.installed().record(record.initial().toplevel(), record.initial().revision(),
                        run.setup().clock().instant());
            }
        }
        RollbackResult outcome = result;
        run.progress().note((outcome.restored() ? "restored: " : "NOT restored: ") + outcome.detail());
        StorePath on = now.map(Generation::toplevel).orElse(null);
        run.update(r -> r.withRollback(outcome.detail()).withResult(
                outcome.restored() ? RunResult.ROLLED_BACK : RunResult.FAILED, on, run.setup().clock().instant()));
    }

    /**
     * The retrace fallback once the run released its initial generation: rebuilds the initial
     * system from its kept {@code .drv}, sets the profile to it and activates it.
     */
    private static RollbackResult rebuildInitial(ActiveRun run, RunRecord record, String rollback) {
        StorePath drv = record.initial().drv();
        if (drv == null || !run.nix().isValid(drv)) {
            return RollbackResult.notRestored("the initial generation was released (" + record.initialReleased().get()
                    + ") and its derivation " + (drv == null ? "is not known" : drv + " is gone")
                    + ": the initial system cannot be rebuilt");
        }
        run.progress().note(rollback + " cannot restore the released initial generation: rebuilding "
                + record.initial().toplevel() + " from " + drv + " (retrace)");
        try {
            run.nix().realise(drv, Optional.empty(), run.progress()::building);
        } catch (dev.inchworm.api.nix.NixException e) {
            return RollbackResult.notRestored("the initial generation was released and rebuilding it from " + drv
                    + " failed: " + e.failure().detail());
        }
        Optional<Generation> now = run.nix().currentGeneration();
        if (now.isEmpty() || !now.get().toplevel().equals(record.initial().toplevel())) {
            run.nix().setSystem(record.initial().toplevel());
        }
        run.nix().switchToConfiguration(record.initial().toplevel(), run.setup().action());
        return RollbackResult.restored("retraced, the initial generation being released: rebuilt "
                + record.initial().toplevel() + " from its derivation, set and activated ("
                + run.setup().action().argument() + ")");
    }

    /** The initial generation as the profile lists it, or as the journal recorded it when it is gone. */
    static ExtensionCalls.RollbackFacts facts(ActiveRun run, RunRecord record) {
        Generation initial = run.nix().generations().stream()
                .filter(g -> g.number() == record.initial().generation()
                        && g.toplevel().equals(record.initial().toplevel()))
                .findFirst()
                .orElse(new Generation(record.initial().generation(), record.startedAt(), false,
                        record.initial().toplevel()));
        return new ExtensionCalls.RollbackFacts(initial, record.initial().toplevel(),
                Optional.ofNullable(record.initial().drv()), Optional.ofNullable(record.initial().revision()),
                run.history());
    }
}
