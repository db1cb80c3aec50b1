package dev.inchworm.runtime.engine.phase;

import java.util.Map;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.engine.Reports;
import dev.inchworm.runtime.engine.RebootCheck;
import dev.inchworm.runtime.engine.RunReport;
import dev.inchworm.runtime.journal.JournalException;
import dev.inchworm.runtime.journal.JournalWriteException;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunPhase;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a run from whatever phase the journal has it in to its end: provisioners acquired,
 * then each run phase's handler in order (AWAITING_REBOOT, RUNNING, FINISHING, ROLLING_BACK)
 * while the journal is in that phase, provisioners released, then FINISHED and the report
 * saved; a run that stopped to reboot runs the reboot command last. A handler that
 * fails in RUNNING moves the run to ROLLING_BACK, which the loop reaches next.
 */
final class RunDriver {

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");

    private record Stage(RunPhase phase, Consumer<ActiveRun> handler) {
    }

    private static final List<Stage> STAGES = List.of(
            new Stage(RunPhase.AWAITING_REBOOT, AwaitReboot::act),
            new Stage(RunPhase.RUNNING, RunDriver::running),
            new Stage(RunPhase.FINISHING, FinishAtTarget::act),
            new Stage(RunPhase.ROLLING_BACK, Restore::act));

    private RunDriver() {
    }

    static RunReport drive(ActiveRun run) {
        Throwable primary = null;
        try {
            if (run.record().phase() != RunPhase.FINISHING) {
                acquire(run);
            }
            for (Stage stage : STAGES) {
                if (run.record().phase() == stage.phase()) {
                    stage.handler().accept(run);
                }
            }
        } catch (RuntimeException | Error e) {
            primary = e;
            saveReportQuietly(run, e);
            throw e;
        } finally {
            try {
                Provisioners.release(run);
            } catch (RuntimeException e) {
                // Releasing writes the journal too: when the run is already failing (say, the
                // journal cannot be written), keep the first error and attach this one to it.
                if (primary == null) {
                    throw e;
                }
                primary.addSuppressed(e);
            }
        }
        close(run);
        RunReport report = report(run);
        // Saved before the command: on a real host the reboot may end this process any moment.
        return AwaitReboot.rebootIfDecided(run) ? report(run) : report;
    }

    private static void acquire(ActiveRun run) {
        try {
            Provisioners.acquire(run);
        } catch (RunFailed failed) {
            if (run.record().phase() == RunPhase.RUNNING) {
                rollBack(run, failed.failure());
            } else {
                run.progress().note(failed.failure().reason() + "; rolling back without it");
            }
        }
    }

    /** RUNNING: steps toward the target; any failure turns the run to ROLLING_BACK. */
    private static void running(ActiveRun run) {
        try {
            RunRecord record = run.record();
            if (record.initial().drv() != null) {
                run.upkeep().keepDerivation(record.initial().drv(), run.upkeep().initialDrvRoot(record));
            }
            TakeSteps.act(run);
        } catch (RunFailed failed) {
            rollBack(run, failed.failure());
        } catch (JournalException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("unexpected error in run {}", run.record().runId(), e);
            rollBack(run, RunFailure.of("unexpected error: " + e));
        } catch (VirtualMachineError e) {
            // Out of memory (or stack) in a step: what filled it is unreachable once unwound, so
            // the run can still restore the host and report; a second one leaves the journal
            // rolling back, for the next run to finish.
            LOG.error("{} in run {}", e, run.record().runId(), e);
            rollBack(run, RunFailure.of("the JVM ran out of resources: " + e
                    + " (a bigger heap: INCHWORM_JAVA_OPTS=-Xmx...)"));
        }
    }

    /** A report of where the run stands, when it ends by an exception: the journal has the rest. */
    private static void saveReportQuietly(ActiveRun run, Throwable failure) {
        try {
            new Reports(run.setup().stateDir()).save(RunReport.of(run.record()));
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    private static void rollBack(ActiveRun run, RunFailure failure) {
        run.update(r -> r.withFailure(failure).withPhase(RunPhase.ROLLING_BACK));
    }

    /**
     * FINISHING -> FINISHED with the result; a rollback, restored or not, -> FINISHED. A run
     * whose rollback failed ends FAILED (exit 4) instead of staying open: the next upgrade
     * starts afresh from the system the host runs, and {@code inchworm rollback} may try again.
     */
    private static void close(ActiveRun run) {
        RunRecord record = run.record();
        if (record.phase() == RunPhase.FINISHING) {
            RunResult how = record.doneSteps().isEmpty() ? RunResult.ALREADY_CURRENT : RunResult.UPGRADED;
            StorePath on = run.activatedToplevel(record)
                    .or(() -> run.nix().currentGeneration().map(Generation::toplevel)).orElse(null);
            // after test or dry-activate a reboot goes back to the profile's system, never to this kernel
            Map<String, String> reboot = run.setup().action().setsProfile() ? RebootCheck.note(run.nix(), on) : Map.of();
            run.update(r -> r.withResult(how, on, run.setup().clock().instant()).withNotes(RebootCheck.NOTES, reboot)
                    .withPhase(RunPhase.FINISHED));
        } else if (record.phase() == RunPhase.ROLLING_BACK && record.result() != null) {
            Map<String, String> reboot = RebootCheck.note(run.nix(), record.finalToplevel());
            run.update(r -> r.withNotes(RebootCheck.NOTES, reboot).withPhase(RunPhase.FINISHED));
        }
    }

    private static RunReport report(ActiveRun run) {
        RunReport report = RunReport.of(run.record());
        try {
            new Reports(run.setup().stateDir()).save(report);
        } catch (JournalWriteException e) {
            // The journal holds the outcome already and the caller prints the report: a full
            // disk must not turn a finished run into a failed one.
            LOG.warn("cannot save the report of run {}: {}", report.runId(), e.getMessage());
            run.progress().note("could not save the report: " + e.getMessage());
        }
        return report;
    }
}
