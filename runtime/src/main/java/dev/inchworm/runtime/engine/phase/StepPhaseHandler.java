package dev.inchworm.runtime.engine.phase;

import dev.inchworm.runtime.journal.StepRecord;

/**
 * One phase of a step: reads the step's record, acts on the host, and returns the step's next
 * record (its next phase, or its failure). {@link TakeSteps} writes that record and adds the
 * phase's time to the step's duration, in one place for every phase.
 */
interface StepPhaseHandler {

    StepRecord act(ActiveRun run, StepRecord step);
}
