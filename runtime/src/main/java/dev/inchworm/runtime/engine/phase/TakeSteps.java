package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunPhase;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Run phase RUNNING: evaluates the target, then takes steps until the host runs it and moves
 * the run to FINISHING. Each turn of the loop reads the journal: a step in flight goes on with
 * its phase's handler, a failed one goes back to the strategies, otherwise the next step is
 * chosen.
 */
final class TakeSteps {

    /** A run that keeps proposing steps past this is stopped: no real upgrade needs so many. */
    static final int MAX_STEPS = 500;

    /** The step's phases in the order a step goes through them. */
    private static final Map<StepPhase, StepPhaseHandler> PHASES = new EnumMap<>(Map.of(
            StepPhase.PLANNED, new Reclaim(),
            StepPhase.BUILDING, new Build(),
            StepPhase.SETTING_PROFILE, new SetProfile(),
            StepPhase.ACTIVATING, new Switch(),
            StepPhase.PRUNING, new Prune()));

    private TakeSteps() {
    }

    static void act(ActiveRun run) {
        Evaluation target = EvaluateTarget.act(run);
        checkProfile(run, target);
        while (true) {
            RunRecord record = run.record();
            Optional<StepRecord> last = record.lastStep();
            if (last.isPresent() && last.get().inFlight()) {
                carryOut(run, last.get());
            } else if (last.isPresent() && last.get().phase() == StepPhase.FAILED) {
                ChooseStep.react(run, last.get(), target);
            } else {
                SystemState current = run.currentState();
                if (current.toplevel().equals(target.toplevel())) {
                    run.update(r -> r.withPhase(RunPhase.FINISHING));
                    return;
                }
                if (record.steps().size() >= MAX_STEPS) {
                    throw new RunFailed(RunFailure.of("the strategies proposed " + MAX_STEPS
                            + " steps without reaching the target"));
                }
                ChooseStep.propose(run, current, target);
            }
        }
    }

    /**
     * Before the run's first step: what only the two systems tell about the profile (nonVital
     * names). A rejection ends the run before anything changed, rolled back with the reason.
     */
    private static void checkProfile(ActiveRun run, Evaluation target) {
        if (!run.record().steps().isEmpty()) {
            return;
        }
        try {
            run.chain().checkProfile(run.currentState(), target);
        } catch (dev.inchworm.api.strategy.ProfileRejected e) {
            throw new RunFailed(RunFailure.of("configuration error: " + e.getMessage()));
        }
    }

    /** One phase of the step in flight; its time is added to the step's duration here, for every phase. */
    private static void carryOut(ActiveRun run, StepRecord step) {
        StepPhaseHandler handler = PHASES.get(step.phase());
        if (handler == null) {
            throw new IllegalStateException("step " + step.number() + " is not in flight: " + step.phase());
        }
        run.progress().phaseStarted(step.number(), step.phase());
        long started = System.nanoTime();
        StepRecord next = handler.act(run, step);
        long millis = (System.nanoTime() - started) / 1_000_000;
        run.progress().phaseEnded(step.phase(), next, Duration.ofMillis(millis));
        run.update(r -> r.withLastStep(s -> next.withMeasurements(next.peakStoreBytes(), next.freeBytesBefore(),
                next.durationMs() + millis)));
    }
}
