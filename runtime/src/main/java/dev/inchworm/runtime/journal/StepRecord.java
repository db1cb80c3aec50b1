package dev.inchworm.runtime.journal;

import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a run as the journal keeps it: the step a strategy proposed, the phase it is
 * in, and once over, how it went.
 *
 * @param number          1-based position in the run
 * @param strategy        id of the strategy that proposed it
 * @param description     the strategy's description
 * @param drv             the toplevel derivation to realise
 * @param toplevel        its output path
 * @param estimatedBytes  the strategy's estimate of the bytes the build adds
 * @param units           the units the step changes
 * @param revision        the source revision the step corresponds to, or null
 * @param phase           where the step stands
 * @param outcome         how it ended, once failed or finished
 * @param generation      the generation it installed, 0 before the profile is set
 * @param peakStoreBytes  highest store usage sampled while building
 * @param freeBytesBefore free store bytes before the build (after reclaiming)
 * @param durationMs      wall time of the step
 * @param failure         why it failed, or null
 * @param reclaimed       what reclaimers freed for it
 * @param estimateTerms   the terms of its estimate, when the shared estimator made it
 */
public record StepRecord(int number, String strategy, String description, StorePath drv, StorePath toplevel,
                         long estimatedBytes, List<String> units, Revision revision, StepPhase phase,
                         StepResult.Outcome outcome, int generation, long peakStoreBytes, long freeBytesBefore,
                         long durationMs, StepFailure failure, List<ReclaimNote> reclaimed,
                         List<FootprintEstimate.Term> estimateTerms) {

    public StepRecord {
        if (number < 1) {
            throw new IllegalArgumentException("step numbers start at 1: " + number);
        }
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(drv, "drv");
        Objects.requireNonNull(toplevel, "toplevel");
        units = units == null ? List.of() : List.copyOf(units);
        Objects.requireNonNull(phase, "phase");
        reclaimed = reclaimed == null ? List.of() : List.copyOf(reclaimed);
        estimateTerms = estimateTerms == null ? List.of() : List.copyOf(estimateTerms);
    }

    /** A step just proposed. */
    public static StepRecord planned(int number, String strategy, Step step) {
        return new StepRecord(number, strategy, step.description(), step.drv(), step.toplevel(),
                step.estimatedBytes(), step.units(), step.revision().orElse(null), StepPhase.PLANNED,
                null, 0, 0, 0, 0, null, List.of(), step.estimateTerms());
    }

    /** The step as the strategy proposed it. */
    public Step step() {
        return new Step(description, drv, toplevel, estimatedBytes, units, Optional.ofNullable(revision), estimateTerms);
    }

    /** The step as strategies and rollbacks see it; a step not over yet shows as failed. */
    public StepResult result() {
        StepResult.Outcome shown = outcome != null ? outcome : StepResult.Outcome.FAILED;
        return new StepResult(step(), shown, peakStoreBytes, freeBytesBefore, Duration.ofMillis(durationMs), generation);
    }

    /** Over and successful: built, installed, activated. */
    public boolean done() {
        return phase == StepPhase.FINISHED && outcome == StepResult.Outcome.DONE;
    }

    /** Still being worked on: neither failed nor finished. */
    public boolean inFlight() {
        return phase != StepPhase.FINISHED && phase != StepPhase.FAILED;
    }

    public StepRecord withPhase(StepPhase newPhase) {
        return new StepRecord(number, strategy, description, drv, toplevel, estimatedBytes, units, revision, newPhase,
                outcome, generation, peakStoreBytes, freeBytesBefore, durationMs, failure, reclaimed, estimateTerms);
    }

    public StepRecord withGeneration(int newGeneration) {
        return new StepRecord(number, strategy, description, drv, toplevel, estimatedBytes, units, revision, phase,
                outcome, newGeneration, peakStoreBytes, freeBytesBefore, durationMs, failure, reclaimed, estimateTerms);
    }

    public StepRecord withMeasurements(long peak, long freeBefore, long millis) {
        return new StepRecord(number, strategy, description, drv, toplevel, estimatedBytes, units, revision, phase,
                outcome, generation, peak, freeBefore, millis, failure, reclaimed, estimateTerms);
    }

    public StepRecord withReclaimed(ReclaimNote note) {
        List<ReclaimNote> notes = new ArrayList<>(reclaimed);
        notes.add(note);
        return new StepRecord(number, strategy, description, drv, toplevel, estimatedBytes, units, revision, phase,
                outcome, generation, peakStoreBytes, freeBytesBefore, durationMs, failure, notes, estimateTerms);
    }

    /** Failed: recorded, the strategy has yet to react. */
    public StepRecord failed(StepResult.Outcome how, StepFailure why) {
        return new StepRecord(number, strategy, description, drv, toplevel, estimatedBytes, units, revision,
                StepPhase.FAILED, how, generation, peakStoreBytes, freeBytesBefore, durationMs, why, reclaimed, estimateTerms);
    }

    /** Over: done, or a failure the strategy has reacted to. */
    public StepRecord finished(StepResult.Outcome how) {
        return new StepRecord(number, strategy, description, drv, toplevel, estimatedBytes, units, revision,
                StepPhase.FINISHED, how, generation, peakStoreBytes, freeBytesBefore, durationMs, failure, reclaimed, estimateTerms);
    }
}
