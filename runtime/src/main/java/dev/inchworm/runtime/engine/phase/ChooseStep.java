package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.api.strategy.UpgradeStrategy;
import dev.inchworm.runtime.engine.Bound;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.StepFailure;
import dev.inchworm.runtime.journal.StepRecord;
import dev.inchworm.runtime.journal.StrategyPass;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Choosing the next step: the strategy chain's proposal from where the host is, or its
 * reaction to the failed last step. The answer (a planned step, or a pass that moves on to the
 * next strategy) is written in one journal update, closing the failed step in the same write,
 * so after a crash no strategy answers twice.
 */
final class ChooseStep {

    private ChooseStep() {
    }

    /** Plans the next step from {@code current}; throws {@link RunFailed} when every strategy passed. */
    static void propose(ActiveRun run, SystemState current, Evaluation target) {
        while (true) {
            RunRecord record = run.record();
            int index = record.strategyIndex();
            Optional<Bound<? extends UpgradeStrategy<?>, ?>> at = run.chain().at(index);
            if (at.isEmpty()) {
                if (lastTry(run, current, target) || pausesForReboot(run, current, target)) {
                    return;
                }
                throw new RunFailed(exhausted(run));
            }
            Bound<? extends UpgradeStrategy<?>, ?> strategy = at.get();
            if (InitialRelease.decideNever(run)) {
                continue;
            }
            boolean keeps = InitialRelease.keeps(run.record());
            Proposal proposal = run.chain().propose(index, current, target, run.history(), keeps);
            if (keeps && InitialRelease.mayRelease(run) && passes(proposal, current, run.record())) {
                Proposal without = run.chain().propose(index, current, target, run.history(), false);
                if (!passes(without, current, run.record())) {
                    String why = strategy.id() + " plans a step only without the initial generation; with it, "
                            + passReason(proposal, current, run.record());
                    run.progress().note("releasing the initial generation once the first step is switched: " + why);
                    Step next = ((Proposal.Next) without).step();
                    run.update(r -> r.withInitialReleased(why)
                            .withStepAdded(StepRecord.planned(r.steps().size() + 1, strategy.id(), next)));
                    return;
                }
            }
            String refusal = passReason(proposal, current, run.record());
            // A reboot it may take is taken; a pause waits until the last try has failed.
            if (refusal != null && (AwaitReboot.stopsFor(run, index, current, target, refusal,
                    p -> !passes(p, current, run.record()), !lastTryAllowed(run, current, target))
                    || AwaitReboot.plansAhead(run, index, current, target, refusal, p -> !passes(p, current, run.record())))) {
                return;
            }
            if (accept(run, strategy, proposal, current, null)) {
                return;
            }
        }
    }

    /** The id a last try's step carries in the journal and the report: the engine's, no plugin's. */
    static final String LAST_TRY = "last-try";

    /**
     * When every strategy passed without the whole upgrade having been tried from the system the
     * host runs, and no step failed but for want of disk, plans it once: a plain rebuild is what the admin would have run, and the
     * estimates that made the strategies pass err both ways. A build that does not fit fails
     * safely (Nix leaves the store consistent, the engine collects what it left). Off with
     * {@code engine.lastTry: false}.
     *
     * @return true when the step was planned
     */
    private static boolean lastTry(ActiveRun run, SystemState current, Evaluation target) {
        RunRecord record = run.record();
        if (record.passes().isEmpty() || !lastTryAllowed(run, current, target)) {
            return false;
        }
        Step whole = lastTryStep(record, target);
        Step step;
        try {
            var estimate = run.calls().estimator(current.toplevel()).estimate(target.drv());
            step = new Step(whole.description(), whole.drv(), whole.toplevel(), estimate.bytes(), estimate.units(),
                    whole.revision(), estimate.terms());
        } catch (RuntimeException e) {
            step = whole; // no figure: it is tried all the same
        }
        Step planned = step;
        run.progress().note("every strategy passed; trying the plain rebuild once as the last try (engine.lastTry)");
        run.update(r -> r.withStepAdded(StepRecord.planned(r.steps().size() + 1, LAST_TRY, planned)));
        return true;
    }

    /**
     * Whether the last try may still come from {@code current}: allowed by the profile, no step
     * failed but for want of disk (only estimates can be wrong the other way: a build that
     * failed or hung would again), and the target not tried from this very system before.
     */
    private static boolean lastTryAllowed(ActiveRun run, SystemState current, Evaluation target) {
        RunRecord record = run.record();
        if (!run.setup().config().lastTry()) {
            return false;
        }
        return onlyOutOfDisk(record) && refusal(lastTryStep(record, target), current, record) == null;
    }

    /** True when no step of the run failed but for want of disk (which a reboot or a last try may mend). */
    private static boolean onlyOutOfDisk(RunRecord record) {
        return record.steps().stream().noneMatch(s -> s.failure() != null
                && s.failure().kind() != StepFailure.Kind.OUT_OF_DISK);
    }

    private static Step lastTryStep(RunRecord record, Evaluation target) {
        return new Step("last try: the plain rebuild to " + record.targetRevision().shortId()
                + ", as nixos-rebuild would (every strategy passed on estimates)", target.drv(), target.toplevel(),
                0, java.util.List.of(), Optional.of(record.targetRevision()));
    }

    /**
     * Once every strategy passed and the last try is past (failed for want of disk, or not
     * allowed): the strategy whose pause for a reboot the run may not take was put off for the
     * last try ({@link RunRecord#pauseDeferred}) pauses the run now, on the switched step,
     * rather than failing it and rolling the host back.
     */
    private static boolean pausesForReboot(ActiveRun run, SystemState current, Evaluation target) {
        RunRecord record = run.record();
        Optional<Integer> index = record.pauseDeferred();
        if (index.isEmpty() || run.chain().at(index.get()).isEmpty() || !onlyOutOfDisk(record)) {
            return false;
        }
        String id = run.chain().at(index.get()).orElseThrow().id();
        String refusal = record.passes().stream().filter(p -> p.strategy().equals(id))
                .reduce((a, b) -> b).map(StrategyPass::reason).orElse(id + " passed");
        // What a reboot would allow: a step, even one that ran out of disk from here before it.
        return AwaitReboot.stopsFor(run, index.get(), current, target, refusal,
                p -> p instanceof Proposal.Next next && refusal(next.step(), current, run.record(), true) == null, true);
    }

    private static boolean passes(Proposal proposal, SystemState current, RunRecord record) {
        return passReason(proposal, current, record) != null;
    }

    private static String passReason(Proposal proposal, SystemState current, RunRecord record) {
        if (proposal instanceof Proposal.Pass pass) {
            return pass.reason();
        }
        return refusal(((Proposal.Next) proposal).step(), current, record);
    }

    /** A strategy's reaction to the failed last step: a smaller step, or a pass. */
    static void react(ActiveRun run, StepRecord failed, Evaluation target) {
        StepFailure failure = failed.failure();
        String why = "step " + failed.number() + " (" + failed.description() + ") failed: " + failure;
        if (failure.kind() == StepFailure.Kind.BOOT_FULL) {
            throw new RunFailed(BootFit.failure(run.record(), why));
        }
        if (failure.kind() == StepFailure.Kind.ACTIVATION || failure.kind() == StepFailure.Kind.ERROR) {
            throw new RunFailed(RunFailure.of(why));
        }
        int index = run.record().strategyIndex();
        if (run.chain().at(index).isEmpty()) {
            // The last try failed: closed, what is left is a pause for a reboot, or the end.
            run.update(r -> closeFailed(r, failed));
            if (!pausesForReboot(run, run.currentState(), target)) {
                throw new RunFailed(exhausted(run));
            }
            return;
        }
        Bound<? extends UpgradeStrategy<?>, ?> strategy = run.chain().at(index).orElseThrow();
        run.progress().note("step " + failed.number() + " failed (" + failure.kind() + "); asking " + strategy.id());
        Proposal proposal = run.chain().afterFailure(index, run.currentState(), target, run.history(),
                failed.step(), failure.toNixFailure(), InitialRelease.keeps(run.record()));
        accept(run, strategy, proposal, run.currentState(), failed);
    }

    /**
     * Writes a strategy's answer: a planned step, or a pass. When {@code failed} is given, the
     * same write closes that failed step.
     *
     * @return true when a step was planned
     */
    private static boolean accept(ActiveRun run, Bound<? extends UpgradeStrategy<?>, ?> strategy, Proposal proposal,
                                  SystemState current, StepRecord failed) {
        String passReason;
        Step step = null;
        if (proposal instanceof Proposal.Pass pass) {
            passReason = pass.reason();
        } else {
            step = ((Proposal.Next) proposal).step();
            passReason = refusal(step, current, run.record());
        }
        if (passReason != null) {
            String reason = passReason;
            run.progress().note(strategy.id() + " passes: " + reason);
            run.update(r -> closeFailed(r, failed).withPass(new StrategyPass(strategy.id(), reason)));
            return false;
        }
        Step next = step;
        run.update(r -> {
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
        return refusal(step, current, run, false);
    }

    /**
     * Why a proposed step cannot be taken, or null when it can; {@code asAfterReboot}: as it
     * would be after a reboot, where no out-of-disk failure before it counts.
     */
    private static String refusal(Step step, SystemState current, RunRecord run, boolean asAfterReboot) {
        if (step.toplevel().equals(current.toplevel())) {
            return "it proposed a step to the system the host already runs (" + step.toplevel() + ")";
        }
        // The same step from the same system would fail the same way: no endless retries. But
        // one that ran out of disk before a reboot may fit after it (the booted pin is gone).
        StorePath from = run.initial().toplevel();
        int beforeReboot = asAfterReboot ? run.steps().size() : run.stepsBeforeReboot();
        for (int i = 0; i < run.steps().size(); i++) {
            StepRecord earlier = run.steps().get(i);
            boolean staleOutOfDisk = i < beforeReboot && earlier.failure() != null
                    && earlier.failure().kind() == StepFailure.Kind.OUT_OF_DISK;
            if (earlier.failure() != null && !staleOutOfDisk && earlier.toplevel().equals(step.toplevel())
                    && from.equals(current.toplevel())) {
                return "it proposed again a step that failed from this system (" + step.description() + ")";
            }
            if (earlier.done()) {
                from = earlier.toplevel();
            }
        }
        return null;
    }

    /** Why the run cannot go on once every strategy passed, with what the out-of-disk step needed. */
    private static RunFailure exhausted(ActiveRun active) {
        RunRecord run = active.record();
        String passes = run.passes().stream().map(p -> p.strategy() + ": " + p.reason())
                .collect(Collectors.joining("; "));
        Optional<StepRecord> failed = run.lastStep().filter(s -> s.failure() != null);
        if (failed.isEmpty()) {
            return RunFailure.of("no strategy could propose a step toward " + run.targetRevision().shortId()
                    + " (" + passes + ")");
        }
        StepRecord step = failed.get();
        String which = "step " + step.number() + " (" + step.description() + ")";
        if (step.failure().kind() != StepFailure.Kind.OUT_OF_DISK) {
            return RunFailure.of(which + " failed: " + step.failure() + "; no strategy could go on (" + passes + ")");
        }
        long reserve = active.setup().config().reserveBytes();
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
}
