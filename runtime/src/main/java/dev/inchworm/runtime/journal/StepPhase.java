package dev.inchworm.runtime.journal;

/**
 * Where a step stands. Each phase names the action about to be taken and is written to the
 * journal before that action starts; every action is safe to repeat, so a resumed run simply
 * takes the action of the phase it finds again.
 */
public enum StepPhase {
    /** Proposed: next the engine checks the fit and runs reclaimers. */
    PLANNED,
    /** Realising the step's toplevel derivation. */
    BUILDING,
    /** Pointing the system profile at the built toplevel. */
    SETTING_PROFILE,
    /** Running {@code switch-to-configuration}; the step's generation is known. */
    ACTIVATING,
    /** Deleting the previous step's generation and collecting garbage. */
    PRUNING,
    /** Failed; the failure is recorded and the strategy has not reacted yet. */
    FAILED,
    /** Over: {@link StepRecord#outcome()} says how. */
    FINISHED
}
