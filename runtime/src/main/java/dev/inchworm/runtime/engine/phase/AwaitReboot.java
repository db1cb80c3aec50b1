package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.config.RebootConfig;
import dev.inchworm.runtime.journal.RebootWait;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunPhase;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.runtime.journal.StepRecord;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Run phase AWAITING_REBOOT (docs/upgrade.md, "Reboots"): the booted system pins old versions
 * the next step needs room for, and only a reboot into the switched step frees them. Stopping
 * is written before the reboot command runs; the next run reads what the host booted and goes
 * on, or rolls back, and never assumes a reboot that did not happen.
 */
final class AwaitReboot {

    /** A reboot command that has not returned after this is given up on (the run stays paused). */
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    private AwaitReboot() {
    }

    /**
     * Asked when the strategy at {@code index} cannot take a step from here: when it could once
     * the booted system's pin is gone, stops the run awaiting a reboot into the current system
     * (rebooting, or paused, as {@code engine.reboot} says). True when it stopped.
     *
     * @param refusal  why the step cannot be taken with the pin, in the strategy's words
     * @param fits     whether a proposal is a step that can be taken from here
     * @param mayPause false: when the run would pause (a reboot it may not take), it does not
     *                 stop but notes that strategy in the journal ({@link RunRecord#pauseDeferred})
     *                 and returns false: the engine's last try comes first, the pause after it
     */
    static boolean stopsFor(ActiveRun run, int index, SystemState current, Evaluation target, String refusal,
                            Predicate<Proposal> fits, boolean mayPause) {
        RunRecord record = run.record();
        Optional<StorePath> booted = run.nix().bootedSystem();
        List<StepRecord> done = record.doneSteps();
        if (booted.isEmpty() || booted.get().equals(current.toplevel()) || done.isEmpty()
                || !done.get(done.size() - 1).toplevel().equals(current.toplevel())) {
            // Only a switched step that is the profile's default entry is what a reboot boots.
            return false;
        }
        boolean keeps = InitialRelease.keeps(record);
        boolean release = false;
        long frees = BootedPin.freedByReboot(run.nix(), booted.get(), BootedPin.goneAfterReboot(record, !keeps).keySet());
        Proposal after = run.chain().propose(index, current, target, run.history(), keeps, false, frees);
        if (!fits.test(after) && InitialRelease.mayRelease(run)) {
            frees = BootedPin.freedByReboot(run.nix(), booted.get(), BootedPin.goneAfterReboot(record, true).keySet());
            after = run.chain().propose(index, current, target, run.history(), false, false, frees);
            release = true;
        }
        if (!fits.test(after) || frees <= 0) {
            return false; // a reboot that frees nothing does not make the step fit either
        }
        long freed = frees;
        String strategy = run.chain().at(index).orElseThrow().id();
        String why = strategy + " can take the next step only once the booted system " + booted.get().name()
                + " no longer pins its old versions (" + ByteSize.format(frees) + "): " + refusal;
        RebootConfig reboot = run.setup().config().reboot();
        LocalTime now = LocalTime.ofInstant(run.setup().clock().instant(), run.setup().clock().getZone());
        String pause = !reboot.allowed() ? "engine.reboot.allowed is false"
                : record.bootFellBack().isPresent() ? "the last reboot came back into another system ("
                + record.bootFellBack().get() + ")"
                : !reboot.allowsAt(now) ? "it is " + now.withNano(0) + ", outside engine.reboot.window "
                + reboot.window().orElseThrow() : null;
        if (pause != null && !mayPause) {
            run.update(r -> r.withPauseDeferred(index));
            return false;
        }
        RunResult result = pause == null ? RunResult.REBOOTING : RunResult.PAUSED;
        String said = pause == null ? why : why + "; not rebooting: " + pause;
        boolean released = release;
        run.progress().note((pause == null ? "rebooting into " : "paused on ") + current.toplevel().name()
                + ": " + said);
        run.update(r -> (released ? r.withInitialReleased(why) : r)
                .withRebootWait(new RebootWait(current.toplevel(), booted.get(), freed, said, false))
                .withResult(result, current.toplevel(), run.setup().clock().instant())
                .withPhase(RunPhase.AWAITING_REBOOT));
        return true;
    }

    /**
     * Asked when the strategy cannot plan from the system the host booted: its plan may fit once
     * a reboot into a later step frees the booted closure. Then its first step is taken (the
     * current system pins the same paths during it either way) and the reboot is decided after
     * it, by {@link #stopsFor}. True when it planned the step.
     */
    static boolean plansAhead(ActiveRun run, int index, SystemState current, Evaluation target, String refusal,
                              Predicate<Proposal> fits) {
        RunRecord record = run.record();
        if (!run.nix().bootedSystem().filter(current.toplevel()::equals).isPresent()) {
            return false;
        }
        boolean keeps = InitialRelease.keeps(record);
        boolean release = false;
        Proposal ahead = run.chain().propose(index, current, target, run.history(), keeps, false);
        if (!fits.test(ahead) && InitialRelease.mayRelease(run)) {
            ahead = run.chain().propose(index, current, target, run.history(), false, false);
            release = true;
        }
        if (!fits.test(ahead)) {
            return false;
        }
        String strategy = run.chain().at(index).orElseThrow().id();
        String why = strategy + " plans its steps only with a reboot between them (" + refusal + ")";
        run.progress().note("taking the first step; a reboot will free the booted system later: " + why);
        Step next = ((Proposal.Next) ahead).step();
        boolean released = release;
        run.update(r -> (released ? r.withInitialReleased(why) : r)
                .withStepAdded(StepRecord.planned(r.steps().size() + 1, strategy, next)));
        return true;
    }

    /** Taking over a run in AWAITING_REBOOT: what the host booted decides how it goes on. */
    static void act(ActiveRun run) {
        RunRecord record = run.record();
        Optional<RebootWait> waited = record.rebootWait();
        Optional<StorePath> booted = run.nix().bootedSystem();
        if (waited.isPresent() && booted.equals(Optional.of(waited.get().into()))) {
            run.progress().note("the host booted " + waited.get().into().name() + ": going on with run " + record.runId());
            run.update(r -> r.withRebooted().withResult(null, null, null).withPhase(RunPhase.RUNNING));
            freeWhatTheBootUnpinned(run);
        } else if (waited.isEmpty() || booted.isEmpty()
                || (!waited.get().requested() && booted.get().equals(waited.get().bootedBefore()))) {
            // Paused, or stopped before the reboot command returned: no reboot was asked for.
            run.progress().note("the host has not rebooted since run " + record.runId() + " stopped"
                    + booted.map(b -> " (it still runs " + b.name() + ")").orElse("") + ": deciding again");
            run.update(r -> r.withoutRebootWait(null).withResult(null, null, null).withPhase(RunPhase.RUNNING));
        } else {
            // The command returned and the host is not on the step: a boot that fell back (maybe to
            // the very system it ran before) or a reboot that never came; either way not assumed.
            String what = "the host booted " + booted.get() + ", not " + waited.get().into()
                    + ", the step it was rebooted into (did the boot fall back?)";
            run.progress().note(what);
            if (run.setup().config().onInterrupted() == EngineConfig.Interrupted.ROLLBACK) {
                run.update(r -> r.withoutRebootWait(booted.get().path()).withResult(null, null, null)
                        .withFailure(RunFailure.of(what + "; engine.onInterrupted is rollback"))
                        .withPhase(RunPhase.ROLLING_BACK));
            } else {
                // Resumed from where the profile points; no second reboot in this run (it would fall back again).
                run.update(r -> r.withoutRebootWait(booted.get().path()).withResult(null, null, null)
                        .withPhase(RunPhase.RUNNING));
            }
        }
    }

    /**
     * After the journal says REBOOTING and the provisioners are released: runs the reboot
     * command, then journals that it returned. A command that fails leaves the run paused.
     *
     * @return true when it ran the command (and so changed the record)
     */
    static boolean rebootIfDecided(ActiveRun run) {
        RunRecord record = run.record();
        if (record.phase() != RunPhase.AWAITING_REBOOT || record.result() != RunResult.REBOOTING) {
            return false;
        }
        RebootWait wait = record.rebootWait().orElseThrow();
        List<String> argv = run.setup().config().reboot().command();
        run.progress().stage("rebooting into " + wait.into().name() + ": " + String.join(" ", argv));
        String failed;
        try {
            CommandResult result = run.setup().commands().run(Command.of(argv).withTimeout(COMMAND_TIMEOUT));
            failed = result.ok() ? null : result.describe();
        } catch (CommandException e) {
            failed = e.getMessage();
        }
        if (failed == null) {
            run.update(r -> r.withRebootWait(wait.asRequested()));
        } else {
            String why = wait.why() + "; the reboot command failed: " + failed;
            run.progress().note("the reboot command failed: " + failed + "; the run stays paused");
            run.update(r -> r.withRebootWait(new RebootWait(wait.into(), wait.bootedBefore(), wait.freesBytes(), why,
                    false)).withResult(RunResult.PAUSED, r.finalToplevel(), r.finishedAt()));
        }
        return true;
    }

    /**
     * After a reboot into the step the booted pin is gone: the initial generation goes too when
     * the run released it (it was kept while it was booted), then the garbage.
     */
    private static void freeWhatTheBootUnpinned(ActiveRun run) {
        RunRecord record = run.record();
        Set<Integer> keep = run.upkeep().protectedGenerations(record);
        // What the reboot's frees were counted without: the released initial generation, and the
        // earlier steps' generations, which stayed while one of them was the booted system.
        BootedPin.goneAfterReboot(record, !InitialRelease.keeps(record))
                .forEach((number, toplevel) -> run.upkeep().deleteGeneration(number, toplevel, keep));
        run.upkeep().collectGarbage("after the reboot");
    }
}
