package dev.inchworm.runtime.engine;

import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.rollback.RollbackResult;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.api.strategy.UpgradeStrategy;
import dev.inchworm.api.ByteSize;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.journal.InitialSystem;
import dev.inchworm.runtime.journal.InstalledRevisions;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.JournalException;
import dev.inchworm.runtime.journal.JournalPluginState;
import dev.inchworm.runtime.journal.JournalWriteException;
import dev.inchworm.runtime.journal.ReclaimNote;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunPhase;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.runtime.journal.StepFailure;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;
import dev.inchworm.runtime.journal.StrategyPass;
import dev.inchworm.runtime.journal.Target;
import dev.inchworm.runtime.nix.NixCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the upgrade loop (DESIGN.md, "The upgrade loop"), driven from the journal: every
 * transition is written before it is acted on, and every decision after a crash is taken from
 * the journal and the host's actual state (its profile generations, its valid paths). The
 * caller holds the host lock.
 */
final class UpgradeRun {

    /** The GC root keeping the last run's initial system's derivation, for a later rollback. */
    static final String BEFORE_LAST_RUN = "before-last-run.drv";
    /** A run that keeps proposing steps past this is stopped: no real upgrade needs so many. */
    static final int MAX_STEPS = 500;
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final EngineSetup setup;
    private final Journal journal;
    private final Progress progress;
    private final Nix nix;
    private final InstalledRevisions installed;
    private final Extensions extensions;
    private final ExtensionCalls calls;

    UpgradeRun(EngineSetup setup, Journal journal, Progress progress) {
        this.setup = setup;
        this.journal = journal;
        this.progress = progress;
        this.nix = setup.nix();
        this.installed = InstalledRevisions.open(setup.stateDir());
        this.extensions = setup.extensions();
        this.calls = new ExtensionCalls(setup, (point, id) -> new JournalPluginState(journal, point + ":" + id));
    }

    // --- entry points ---------------------------------------------------------------------

    /** Begins a new run toward the request's target and drives it to its end. */
    RunReport start(UpgradeRequest request) {
        Generation current = nix.currentGeneration().orElseThrow(() -> new RunRefused(
                "the system profile has no generation: install a system before upgrading it"));
        Revision from = request.from().map(ref -> resolve(ref, "--from"))
                .or(() -> installed.revisionOf(current.toplevel()))
                .orElseThrow(() -> new RunRefused("the revision of the current system " + current.toplevel()
                        + " is not known: pass --from REV (Inchworm remembers the revision of the systems it "
                        + "installs in " + setup.stateDir().resolve(InstalledRevisions.FILE_NAME) + ")"));
        Revision to = resolve(request.to().orElse("HEAD"), "--to");
        Instant now = setup.clock().instant();
        if (request.from().isPresent()) {
            installed.record(current.toplevel(), from, now);
        }
        InitialSystem initial = new InitialSystem(current.number(), current.toplevel(),
                derivationOf(current.toplevel()).orElse(null), from);
        String runId = RUN_ID.format(now) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        journal.write(RunRecord.begin(runId, setup.host(), now, initial, to));
        progress.stage("run " + runId + ": " + from.shortId() + " -> " + to.shortId());
        return drive();
    }

    /** Takes over the journal's unfinished run: resumes it, or rolls it back as the profile says. */
    RunReport resume(UpgradeRequest request) {
        RunRecord run = journal.current();
        if (request.to().isPresent()) {
            Revision asked = resolve(request.to().get(), "--to");
            if (!asked.equals(run.targetRevision())) {
                throw new RunRefused("an interrupted run toward " + run.targetRevision().shortId() + " is in "
                        + journal.path() + ": finish it first (run without --to, or with --to "
                        + run.targetRevision().shortId() + ") or roll it back with 'inchworm rollback'");
            }
        }
        journal.update(RunRecord::withResumed);
        progress.note("taking over run " + run.runId() + ", interrupted while " + describe(run));
        releaseProvisioners();
        if (run.phase() == RunPhase.RUNNING && setup.config().onInterrupted() == EngineConfig.Interrupted.ROLLBACK) {
            journal.update(r -> r.withFailure(RunFailure.of("the run was interrupted and the profile's "
                    + "engine.onInterrupted is rollback")).withPhase(RunPhase.ROLLING_BACK));
        }
        return drive();
    }

    /** Rolls back the journal's run on request: an unfinished one, or the last one that upgraded. */
    RunReport rollBackOnRequest() {
        RunRecord run = journal.current();
        if (run.finished()) {
            journal.update(r -> r.withFailure(RunFailure.of("rolled back on request"))
                    .withResult(null, null, null).withPhase(RunPhase.ROLLING_BACK));
        } else {
            journal.update(RunRecord::withResumed);
            releaseProvisioners();
            if (run.phase() != RunPhase.ROLLING_BACK) {
                journal.update(r -> r.withFailure(RunFailure.of("interrupted run rolled back on request"))
                        .withPhase(RunPhase.ROLLING_BACK));
            }
        }
        return drive();
    }

    private static String describe(RunRecord run) {
        return switch (run.phase()) {
            case RUNNING -> run.inFlight().map(s -> "step " + s.number() + " was " + s.phase().name()
                    .toLowerCase(Locale.ROOT).replace('_', ' ')).orElse("choosing its next step");
            case FINISHING -> "finishing at the target";
            case ROLLING_BACK -> "rolling back";
            case FINISHED -> "finished";
        };
    }

    // --- the run --------------------------------------------------------------------------

    private RunReport drive() {
        Throwable primary = null;
        try {
            if (journal.current().phase() != RunPhase.FINISHING) {
                try {
                    acquireProvisioners();
                } catch (RunFailed failed) {
                    if (journal.current().phase() == RunPhase.RUNNING) {
                        journal.update(r -> r.withFailure(failed.failure).withPhase(RunPhase.ROLLING_BACK));
                    } else {
                        progress.note(failed.failure.reason() + "; rolling back without it");
                    }
                }
            }
            if (journal.current().phase() == RunPhase.RUNNING) {
                try {
                    RunRecord run = journal.current();
                    if (run.initial().drv() != null) {
                        keepDerivation(run.initial().drv(), initialDrvRoot(run));
                    }
                    advance();
                } catch (RunFailed failed) {
                    journal.update(r -> r.withFailure(failed.failure).withPhase(RunPhase.ROLLING_BACK));
                } catch (JournalException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.error("unexpected error in run {}", journal.current().runId(), e);
                    journal.update(r -> r.withFailure(RunFailure.of("unexpected error: " + e))
                            .withPhase(RunPhase.ROLLING_BACK));
                }
            }
            if (journal.current().phase() == RunPhase.FINISHING) {
                finishAtTarget();
            }
            if (journal.current().phase() == RunPhase.ROLLING_BACK) {
                restore();
            }
        } catch (RuntimeException | Error e) {
            primary = e;
            throw e;
        } finally {
            try {
                releaseProvisioners();
            } catch (RuntimeException e) {
                // Releasing writes the journal too: when the run is already failing (say, the
                // journal cannot be written), keep the first error and attach this one to it.
                if (primary == null) {
                    throw e;
                }
                primary.addSuppressed(e);
            }
        }
        RunRecord run = journal.current();
        if (run.phase() == RunPhase.FINISHING) {
            RunResult how = run.doneSteps().isEmpty() ? RunResult.ALREADY_CURRENT : RunResult.UPGRADED;
            StorePath on = nix.currentGeneration().map(Generation::toplevel).orElse(null);
            journal.update(r -> r.withResult(how, on, setup.clock().instant()).withPhase(RunPhase.FINISHED));
        } else if (run.phase() == RunPhase.ROLLING_BACK && run.result() == RunResult.ROLLED_BACK) {
            journal.update(r -> r.withPhase(RunPhase.FINISHED));
        }
        RunReport report = RunReport.of(journal.current());
        try {
            new Reports(setup.stateDir()).save(report);
        } catch (JournalWriteException e) {
            // The journal holds the outcome already and the caller prints the report: a full
            // disk must not turn a finished run into a failed one.
            LOG.warn("cannot save the report of run {}: {}", report.runId(), e.getMessage());
            progress.note("could not save the report: " + e.getMessage());
        }
        return report;
    }

    /** Takes steps until the host runs the target; returns with the run in FINISHING. */
    private void advance() {
        Evaluation target = ensureTarget();
        while (true) {
            RunRecord run = journal.current();
            Optional<StepRecord> last = run.lastStep();
            if (last.isPresent() && last.get().inFlight()) {
                carryOut(last.get());
            } else if (last.isPresent() && last.get().phase() == StepPhase.FAILED) {
                react(last.get(), target);
            } else {
                SystemState current = currentState(run);
                if (current.toplevel().equals(target.toplevel())) {
                    journal.update(r -> r.withPhase(RunPhase.FINISHING));
                    return;
                }
                if (run.steps().size() >= MAX_STEPS) {
                    throw new RunFailed(RunFailure.of("the strategies proposed " + MAX_STEPS
                            + " steps without reaching the target"));
                }
                proposeNext(current, target);
            }
        }
    }

    private Evaluation ensureTarget() {
        RunRecord run = journal.current();
        if (run.target() != null) {
            Evaluation known = run.target().evaluation(run.targetRevision());
            keepDerivation(known.drv(), targetDrvRoot(run));
            return known;
        }
        progress.stage("evaluating " + run.targetRevision().shortId());
        Evaluation evaluation;
        try {
            evaluation = setup.source().evaluate(run.targetRevision());
        } catch (NixException e) {
            throw new RunFailed(RunFailure.of("the target " + run.targetRevision().shortId()
                    + " does not evaluate: " + e.failure().detail()));
        } catch (RuntimeException e) {
            throw new RunFailed(RunFailure.of("the target " + run.targetRevision().shortId()
                    + " could not be evaluated: " + e.getMessage()));
        }
        journal.update(r -> r.withTarget(Target.of(evaluation)));
        // Collections after a failed step must not take the target's .drv tree: a later
        // strategy (package-stepping) works from it.
        keepDerivation(evaluation.drv(), targetDrvRoot(journal.current()));
        return evaluation;
    }

    // --- choosing steps -------------------------------------------------------------------

    private void proposeNext(SystemState current, Evaluation target) {
        while (true) {
            RunRecord run = journal.current();
            int index = run.strategyIndex();
            if (index >= extensions.strategies().size()) {
                throw new RunFailed(exhausted(run));
            }
            Bound<UpgradeStrategy<?>> strategy = extensions.strategies().get(index);
            Proposal proposal;
            try {
                proposal = calls.propose(strategy, index, current, target, history(run));
            } catch (RuntimeException e) {
                LOG.warn("strategy {} failed to propose", strategy.id(), e);
                proposal = Proposal.pass("it failed: " + e);
            }
            if (!accept(strategy, proposal, current, run, null)) {
                continue;
            }
            return;
        }
    }

    /** A strategy's reaction to the failed last step: a smaller step, or a pass. */
    private void react(StepRecord failed, Evaluation target) {
        StepFailure failure = failed.failure();
        if (failure.kind().equals(StepFailure.ACTIVATION) || failure.kind().equals(StepFailure.ERROR)) {
            throw new RunFailed(RunFailure.of("step " + failed.number() + " (" + failed.description() + ") failed: "
                    + failure));
        }
        RunRecord run = journal.current();
        int index = run.strategyIndex();
        if (index >= extensions.strategies().size()) {
            throw new RunFailed(exhausted(run));
        }
        Bound<UpgradeStrategy<?>> strategy = extensions.strategies().get(index);
        progress.note("step " + failed.number() + " failed (" + failure.kind() + "); asking " + strategy.id());
        Proposal proposal;
        try {
            proposal = calls.afterFailure(strategy, index, currentState(run), target, history(run),
                    failed.step(), failure.toNixFailure());
        } catch (RuntimeException e) {
            LOG.warn("strategy {} failed to react to a failed step", strategy.id(), e);
            proposal = Proposal.pass("it failed: " + e);
        }
        accept(strategy, proposal, currentState(run), run, failed);
    }

    /**
     * Writes a strategy's answer: a planned step, or a pass. When {@code failed} is given, the
     * same write closes that failed step, so a crash never has the strategy answer twice.
     *
     * @return true when a step was planned
     */
    private boolean accept(Bound<UpgradeStrategy<?>> strategy, Proposal proposal, SystemState current,
                           RunRecord run, StepRecord failed) {
        String passReason = null;
        Step step = null;
        if (proposal instanceof Proposal.Pass pass) {
            passReason = pass.reason();
        } else {
            step = ((Proposal.Next) proposal).step();
            passReason = refusal(step, current, run);
        }
        if (passReason != null) {
            String reason = passReason;
            progress.note(strategy.id() + " passes: " + reason);
            journal.update(r -> closeFailed(r, failed).withPass(new StrategyPass(strategy.id(), reason)));
            return false;
        }
        Step next = step;
        journal.update(r -> {
            RunRecord closed = closeFailed(r, failed);
            return closed.withStepAdded(StepRecord.planned(closed.steps().size() + 1, strategy.id(), next));
        });
        return true;
    }

    private static RunRecord closeFailed(RunRecord run, StepRecord failed) {
        return failed == null ? run : run.withLastStep(s -> s.finished(s.outcome()));
    }

    /** Why a proposed step cannot be taken, or null when it can. */
    private static String refusal(Step step, SystemState current, RunRecord run) {
        if (step.toplevel().equals(current.toplevel())) {
            return "it proposed a step to the system the host already runs (" + step.toplevel() + ")";
        }
        // The same step from the same system would fail the same way: no endless retries.
        StorePath from = run.initial().toplevel();
        for (StepRecord earlier : run.steps()) {
            if (earlier.failure() != null && earlier.toplevel().equals(step.toplevel())
                    && from.equals(current.toplevel())) {
                return "it proposed again a step that failed from this system (" + step.description() + ")";
            }
            if (earlier.done()) {
                from = earlier.toplevel();
            }
        }
        return null;
    }

    private RunFailure exhausted(RunRecord run) {
        String passes = run.passes().stream().map(p -> p.strategy() + ": " + p.reason())
                .collect(Collectors.joining("; "));
        Optional<StepRecord> failed = run.lastStep().filter(s -> s.failure() != null);
        if (failed.isPresent()) {
            StepRecord step = failed.get();
            String which = "step " + step.number() + " (" + step.description() + ")";
            if (step.failure().kind().equals(StepFailure.OUT_OF_DISK)) {
                long reserve = setup.config().reserveBytes();
                long estimated = step.estimatedBytes() + reserve;
                long free = step.freeBytesBefore();
                // It ran out of disk: whatever the estimate said, it needed more than was free.
                long needed = Math.max(estimated, free + 1);
                String need = estimated > free
                        ? "it needs about " + ByteSize.format(estimated) + " (estimate " + ByteSize.format(step.estimatedBytes())
                        + " + reserve " + ByteSize.format(reserve) + ") but " + ByteSize.format(free) + " were free"
                        : "it needs more than the " + ByteSize.format(free) + " that were free (the strategy estimated "
                        + ByteSize.format(step.estimatedBytes()) + " + reserve " + ByteSize.format(reserve) + ")";
                return new RunFailure("out of disk in " + which + ": " + need
                        + "; no strategy could take smaller steps (" + passes + ")", needed, free);
            }
            return RunFailure.of(which + " failed: " + step.failure() + "; no strategy could go on (" + passes + ")");
        }
        return RunFailure.of("no strategy could propose a step toward " + run.targetRevision().shortId()
                + " (" + passes + ")");
    }

    // --- taking a step --------------------------------------------------------------------

    private void carryOut(StepRecord step) {
        long started = System.nanoTime();
        switch (step.phase()) {
            case PLANNED -> prepare(step, started);
            case BUILDING -> build(step, started);
            case SETTING_PROFILE -> setProfile(step, started);
            case ACTIVATING -> activate(step, started);
            case PRUNING -> prune(step, started);
            default -> throw new IllegalStateException("step " + step.number() + " is not in flight: " + step.phase());
        }
    }

    /** Checks the fit and runs reclaimers, cheapest first, while the step is short of space. */
    private void prepare(StepRecord step, long started) {
        // A strategy may have just added the step's .drv (package-stepping's masked systems):
        // no GC root holds it yet, and the reclaimers below may collect garbage.
        keepDerivation(step.drv(), gcRoot(journal.current(), step.number() + ".drv"));
        StorageReport before = measure();
        progress.step(step.number(), step.strategy(), step.step(), before);
        long need = step.estimatedBytes() + setup.config().reserveBytes();
        long free = before.store().freeBytes();
        List<Bound<Reclaimer<?>>> cheapestFirst = new ArrayList<>(extensions.reclaimers());
        cheapestFirst.sort(Comparator.comparingInt(b -> b.extension().cost()));
        for (Bound<Reclaimer<?>> reclaimer : cheapestFirst) {
            if (free >= need) {
                break;
            }
            long wanted = need - free;
            progress.stage("reclaiming " + ByteSize.format(wanted) + " with " + reclaimer.id());
            ReclaimNote note;
            try {
                Reclaimed freed = calls.reclaim(reclaimer, protectedGenerations(journal.current()), wanted);
                note = new ReclaimNote(reclaimer.id(), freed.freedBytes(), freed.summary());
            } catch (RuntimeException e) {
                LOG.warn("reclaimer {} failed", reclaimer.id(), e);
                note = new ReclaimNote(reclaimer.id(), 0, "failed: " + e.getMessage());
            }
            ReclaimNote written = note;
            progress.note(reclaimer.id() + ": " + note.summary());
            journal.update(r -> r.withLastStep(s -> s.withReclaimed(written)));
            free = measure().store().freeBytes();
        }
        if (free < need) {
            progress.note("step " + step.number() + " may not fit: it needs about " + ByteSize.format(need) + ", "
                    + ByteSize.format(free) + " are free; trying all the same");
        }
        long freeBefore = free;
        journal.update(r -> r.withLastStep(s -> s.withMeasurements(s.peakStoreBytes(), freeBefore,
                s.durationMs() + millisSince(started)).withPhase(StepPhase.BUILDING)));
    }

    private void build(StepRecord step, long started) {
        Path root = gcRoot(journal.current(), step.number());
        progress.stage("building " + step.drv().name());
        StoreSampler sampler = StoreSampler.start(this::measure, SAMPLE_EVERY, progress::storage);
        List<StorePath> outputs;
        try {
            outputs = nix.realise(step.drv(), Optional.of(root), progress::building);
        } catch (NixException e) {
            sampler.close();
            // The failed outputs go first: on a full disk even the journal needs the room.
            deleteQuietly(root);
            NixFailure failure = e.failure();
            if (failure instanceof NixFailure.OutOfDisk full && full.storeFull()) {
                recoverFullStore();
            }
            collectGarbage("after the failed build");
            StepResult.Outcome outcome = failure instanceof NixFailure.OutOfDisk
                    ? StepResult.Outcome.OUT_OF_DISK : StepResult.Outcome.FAILED;
            long peak = Math.max(step.peakStoreBytes(), sampler.peakUsedBytes());
            journal.update(r -> r.withLastStep(s -> s.withMeasurements(peak, s.freeBytesBefore(),
                    s.durationMs() + millisSince(started)).failed(outcome, StepFailure.of(failure))));
            return;
        } finally {
            sampler.close();
        }
        long peak = Math.max(step.peakStoreBytes(), sampler.peakUsedBytes());
        if (!outputs.contains(step.toplevel())) {
            journal.update(r -> r.withLastStep(s -> s.withMeasurements(peak, s.freeBytesBefore(),
                    s.durationMs() + millisSince(started)).failed(StepResult.Outcome.FAILED, StepFailure.own(
                    StepFailure.ERROR, "the step built " + outputs + ", not its toplevel " + step.toplevel()))));
            return;
        }
        journal.update(r -> r.withLastStep(s -> s.withMeasurements(peak, s.freeBytesBefore(),
                s.durationMs() + millisSince(started)).withPhase(StepPhase.SETTING_PROFILE)));
    }

    private void setProfile(StepRecord step, long started) {
        Optional<Generation> current = nix.currentGeneration();
        Generation generation;
        if (current.isPresent() && current.get().toplevel().equals(step.toplevel())) {
            generation = current.get(); // set before an interruption
        } else if (!nix.isValid(step.toplevel())) {
            journal.update(r -> r.withLastStep(s -> s.withPhase(StepPhase.BUILDING)));
            return;
        } else {
            generation = nix.setSystem(step.toplevel());
        }
        journal.update(r -> r.withLastStep(s -> s.withGeneration(generation.number())
                .withMeasurements(s.peakStoreBytes(), s.freeBytesBefore(), s.durationMs() + millisSince(started))
                .withPhase(StepPhase.ACTIVATING)));
    }

    private void activate(StepRecord step, long started) {
        progress.stage("activating generation " + step.generation() + " (" + setup.action().argument() + ")");
        String failed = null;
        try {
            nix.switchToConfiguration(step.toplevel(), setup.action());
        } catch (NixException e) {
            failed = e.failure().detail();
        } catch (CommandException e) {
            failed = e.getMessage();
        }
        if (failed != null) {
            StepFailure why = StepFailure.own(StepFailure.ACTIVATION, "switch-to-configuration "
                    + setup.action().argument() + " failed: " + failed);
            journal.update(r -> r.withLastStep(s -> s.withMeasurements(s.peakStoreBytes(), s.freeBytesBefore(),
                    s.durationMs() + millisSince(started)).failed(StepResult.Outcome.FAILED, why)));
            return;
        }
        journal.update(r -> r.withLastStep(s -> s.withMeasurements(s.peakStoreBytes(), s.freeBytesBefore(),
                s.durationMs() + millisSince(started)).withPhase(StepPhase.PRUNING)));
    }

    /** Deletes the previous step's generation (never a protected one) and collects garbage. */
    private void prune(StepRecord step, long started) {
        RunRecord run = journal.current();
        List<StepRecord> done = run.doneSteps();
        if (!done.isEmpty()) {
            StepRecord previous = done.get(done.size() - 1);
            Set<Integer> keep = protectedGenerations(run);
            keep.add(step.generation());
            deleteGeneration(previous.generation(), previous.toplevel(), keep);
        }
        deleteOutputRoots(run);
        if (run.target() == null || !step.toplevel().equals(run.target().toplevel())) {
            // A retrace goes back through the steps before the host's present system, never the target.
            keepDerivation(step.drv(), gcRoot(run, step.number() + ".drv"));
        }
        collectGarbage("after step " + step.number());
        if (step.revision() != null) {
            installed.record(step.toplevel(), step.revision(), setup.clock().instant());
        }
        journal.update(r -> r.withLastStep(s -> s.withMeasurements(s.peakStoreBytes(), s.freeBytesBefore(),
                s.durationMs() + millisSince(started)).finished(StepResult.Outcome.DONE)));
    }

    // --- the end --------------------------------------------------------------------------

    /** At the target: the initial generation is no longer needed for a rollback of this run. */
    private void finishAtTarget() {
        RunRecord run = journal.current();
        progress.stage("at the target " + run.target().toplevel().name());
        if (!run.doneSteps().isEmpty()) {
            deleteGeneration(run.initial().generation(), run.initial().toplevel(), liveGenerations());
        }
        if (run.initial().drv() != null && !run.doneSteps().isEmpty()) {
            // Kept past the run, so 'inchworm rollback' can still rebuild the system it replaced.
            keepDerivation(run.initial().drv(), setup.stateDir().resolve("gcroots").resolve(BEFORE_LAST_RUN));
        }
        deleteRoots(run);
        collectGarbage("at the target");
        installed.record(run.target().toplevel(), run.targetRevision(), setup.clock().instant());
    }

    private void restore() {
        RunRecord run = journal.current();
        if (run.result() == RunResult.ROLLED_BACK) {
            return; // restored before an interruption; only the provisioners were left
        }
        Bound<Rollback<?>> rollback = extensions.rollback();
        progress.stage("rolling back to generation " + run.initial().generation() + " with " + rollback.id()
                + (run.failure() == null ? "" : ": " + run.failure().reason()));
        RollbackResult result;
        try {
            result = calls.restore(rollback, rollbackFacts(run));
        } catch (RuntimeException e) {
            LOG.error("rollback {} failed", rollback.id(), e);
            result = RollbackResult.notRestored(rollback.id() + " failed: " + e);
        }
        Optional<Generation> now = nix.currentGeneration();
        if (result.restored() && (now.isEmpty() || !now.get().toplevel().equals(run.initial().toplevel()))) {
            result = RollbackResult.notRestored(rollback.id() + " reported success, but the system profile points at "
                    + now.map(g -> g.toplevel().toString()).orElse("nothing") + ", not the initial "
                    + run.initial().toplevel());
        }
        if (result.restored()) {
            deleteRoots(run);
            collectGarbage("after the rollback");
            if (run.initial().revision() != null) {
                installed.record(run.initial().toplevel(), run.initial().revision(), setup.clock().instant());
            }
        }
        RollbackResult outcome = result;
        progress.note((outcome.restored() ? "restored: " : "NOT restored: ") + outcome.detail());
        StorePath on = now.map(Generation::toplevel).orElse(null);
        journal.update(r -> r.withRollback(outcome.detail()).withResult(
                outcome.restored() ? RunResult.ROLLED_BACK : RunResult.FAILED, on, setup.clock().instant()));
    }

    // --- provisioners ---------------------------------------------------------------------

    private void acquireProvisioners() {
        for (Bound<Provisioner<?>> provisioner : extensions.provisioners()) {
            if (journal.current().provisioners().contains(provisioner.id())) {
                continue;
            }
            journal.update(r -> r.withProvisioners(plus(r.provisioners(), provisioner.id())));
            progress.stage("acquiring " + provisioner.id());
            try {
                calls.acquire(provisioner);
            } catch (RuntimeException e) {
                LOG.warn("provisioner {} failed to acquire", provisioner.id(), e);
                throw new RunFailed(RunFailure.of("provisioner " + provisioner.id() + " could not acquire: " + e.getMessage()));
            }
        }
    }

    /** Releases what the journal records as acquired, in reverse order; never throws for a plugin. */
    private void releaseProvisioners() {
        List<String> held = new ArrayList<>(journal.current().provisioners());
        Collections.reverse(held);
        for (String id : held) {
            Optional<Bound<Provisioner<?>>> provisioner = extensions.provisioners().stream()
                    .filter(b -> b.id().equals(id)).findFirst();
            if (provisioner.isEmpty()) {
                progress.note("provisioner " + id + " was acquired but is no longer in the profile: release it by hand");
            } else {
                progress.stage("releasing " + id);
                try {
                    calls.release(provisioner.get());
                } catch (RuntimeException e) {
                    LOG.warn("provisioner {} failed to release", id, e);
                    progress.note("provisioner " + id + " failed to release: " + e.getMessage());
                }
            }
            journal.update(r -> r.withProvisioners(minus(r.provisioners(), id)));
        }
    }

    // --- the host -------------------------------------------------------------------------

    /** Where the host is, from its profile, named with what the journal knows of that system. */
    private SystemState currentState(RunRecord run) {
        Generation generation = nix.currentGeneration().orElseThrow(() ->
                new IllegalStateException("the system profile has no current generation"));
        StorePath drv = null;
        Revision revision = null;
        if (generation.toplevel().equals(run.initial().toplevel())) {
            drv = run.initial().drv();
            revision = run.initial().revision();
        } else {
            for (int i = run.steps().size() - 1; i >= 0; i--) {
                StepRecord step = run.steps().get(i);
                if (step.toplevel().equals(generation.toplevel())) {
                    drv = step.drv();
                    revision = step.revision();
                    break;
                }
            }
        }
        if (revision == null) {
            revision = installed.revisionOf(generation.toplevel()).orElse(null);
        }
        return new SystemState(generation, generation.toplevel(), Optional.ofNullable(drv), Optional.ofNullable(revision));
    }

    /** The run's initial generation, the current one and the live systems' (booted, current). */
    private Set<Integer> protectedGenerations(RunRecord run) {
        Set<Integer> keep = liveGenerations();
        keep.add(run.initial().generation());
        return keep;
    }

    private Set<Integer> liveGenerations() {
        Set<Integer> keep = new HashSet<>();
        List<StorePath> live = nix.liveSystems();
        for (Generation g : nix.generations()) {
            if (g.current() || live.contains(g.toplevel())) {
                keep.add(g.number());
            }
        }
        return keep;
    }

    /** Deletes one generation if it still exists, links to {@code toplevel} and is not kept. */
    private void deleteGeneration(int number, StorePath toplevel, Set<Integer> keep) {
        if (number == 0 || keep.contains(number)) {
            return;
        }
        boolean exists = nix.generations().stream()
                .anyMatch(g -> g.number() == number && g.toplevel().equals(toplevel) && !g.current());
        if (exists) {
            progress.note("deleting generation " + number);
            try {
                nix.deleteGenerations(List.of(number));
            } catch (NixException e) {
                // Pruning is housekeeping: a generation left behind costs space, not correctness.
                LOG.warn("cannot delete generation {}: {}", number, e.getMessage());
                progress.note("could not delete generation " + number + ": " + e.failure().detail());
            }
        }
    }

    private void collectGarbage(String when) {
        try {
            var gc = nix.collectGarbage(OptionalLong.empty());
            progress.note("garbage collected " + when + ": " + ByteSize.format(gc.bytesFreed()) + " freed");
        } catch (NixException e) {
            if (e.failure() instanceof NixFailure.OutOfDisk full && full.storeFull()) {
                recoverFullStore();
                return;
            }
            // Collecting is housekeeping: a failed collection leaves garbage, not damage.
            LOG.warn("garbage collection {} failed: {}", when, e.getMessage());
            progress.note("garbage collection " + when + " failed: " + e.failure().detail());
        }
    }

    private Path gcRoot(RunRecord run, Object name) {
        return setup.stateDir().resolve("gcroots").resolve(run.runId() + "-step-" + name);
    }

    private Path targetDrvRoot(RunRecord run) {
        return setup.stateDir().resolve("gcroots").resolve(run.runId() + "-target.drv");
    }

    private Path initialDrvRoot(RunRecord run) {
        return setup.stateDir().resolve("gcroots").resolve(run.runId() + "-initial.drv");
    }

    /** Removes the GC roots of the run's step outputs: once installed, the profile roots them. */
    private void deleteOutputRoots(RunRecord run) {
        for (StepRecord step : run.steps()) {
            deleteQuietly(gcRoot(run, step.number()));
        }
    }

    /** Removes every GC root of the run: outputs, and the derivations kept for a retrace. */
    private void deleteRoots(RunRecord run) {
        deleteOutputRoots(run);
        for (StepRecord step : run.steps()) {
            deleteQuietly(gcRoot(run, step.number() + ".drv"));
        }
        deleteQuietly(initialDrvRoot(run));
        deleteQuietly(targetDrvRoot(run));
    }

    /**
     * Keeps a derivation (and the derivations and sources it is built from) through garbage
     * collections while the run may need to rebuild it (the retrace rollback). The api's Nix
     * cannot root a {@code .drv}; the real backend can.
     */
    private void keepDerivation(StorePath drv, Path root) {
        if (nix instanceof NixCli cli && nix.isValid(drv)) {
            try {
                Files.createDirectories(root.getParent());
                cli.rootDerivation(drv, root);
            } catch (IOException | NixException e) {
                LOG.warn("cannot keep {} alive: {}", drv, e.getMessage());
            }
        }
    }

    /** A store with no byte free breaks even Nix's database: the backend's recovery frees room. */
    private void recoverFullStore() {
        if (nix instanceof NixCli cli) {
            try {
                var freed = cli.recoverFullStore();
                progress.note("recovered the full store: " + ByteSize.format(freed.bytesFreed()) + " freed");
            } catch (NixException e) {
                LOG.warn("recovering the full store failed: {}", e.getMessage());
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }

    private Optional<StorePath> derivationOf(StorePath toplevel) {
        try {
            return nix.pathInfo(List.of(toplevel)).stream().findFirst()
                    .flatMap(info -> info.deriver()).filter(nix::isValid);
        } catch (NixException e) {
            return Optional.empty();
        }
    }

    private Revision resolve(String ref, String option) {
        try {
            return setup.source().resolve(ref);
        } catch (RuntimeException e) {
            throw new RunRefused(option + " " + ref + ": not a revision of the system source: " + e.getMessage(), e);
        }
    }

    private StorageReport measure() {
        return calls.measure();
    }

    private static List<StepResult> history(RunRecord run) {
        return run.steps().stream().map(StepRecord::result).toList();
    }

    /** The initial generation as the profile lists it, or as the journal recorded it when it is gone. */
    private ExtensionCalls.RollbackFacts rollbackFacts(RunRecord run) {
        Generation initial = nix.generations().stream()
                .filter(g -> g.number() == run.initial().generation() && g.toplevel().equals(run.initial().toplevel()))
                .findFirst()
                .orElse(new Generation(run.initial().generation(), run.startedAt(), false, run.initial().toplevel()));
        return new ExtensionCalls.RollbackFacts(initial, run.initial().toplevel(),
                Optional.ofNullable(run.initial().drv()), Optional.ofNullable(run.initial().revision()), history(run));
    }

    private static List<String> plus(List<String> list, String item) {
        List<String> more = new ArrayList<>(list);
        more.add(item);
        return more;
    }

    private static List<String> minus(List<String> list, String item) {
        List<String> less = new ArrayList<>(list);
        less.remove(item);
        return less;
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    /** Ends the run's progress toward the target: the rollback follows. */
    private static final class RunFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient RunFailure failure;

        RunFailed(RunFailure failure) {
            super(failure.reason(), null, false, false);
            this.failure = failure;
        }
    }
}
