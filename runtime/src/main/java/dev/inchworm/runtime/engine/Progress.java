package dev.inchworm.runtime.engine;

import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;
import java.time.Duration;

/**
 * What the engine is doing, as it happens, for the terminal. The CLI implements it (quiet with
 * {@code --json} or when not on a terminal); the engine itself never prints. Called from the
 * engine's thread, except {@link #storage} which the build sampler calls from its own.
 */
public interface Progress {

    /** A listener that shows nothing. */
    Progress QUIET = new Progress() { };

    /** A stage of the run begins: "evaluating 1a2b3c4d5e6f", "rolling back". */
    default void stage(String what) {
    }

    /** Step {@code number} of the run begins (its total is not known ahead: strategies propose one at a time). */
    default void step(int number, String strategy, Step step, StorageReport storage) {
    }

    /** Phase {@code phase} of step {@code number} begins (its action, e.g. building, is about to run). */
    default void phaseStarted(int number, StepPhase phase) {
    }

    /** Phase {@code phase} of a step is over: {@code after} is the step as it then stands. */
    default void phaseEnded(StepPhase phase, StepRecord after, Duration took) {
    }

    /** A line of Nix's output while a step builds. */
    default void building(String line) {
    }

    /** A storage sample taken while a step builds. */
    default void storage(StorageReport report) {
    }

    /** Something worth telling: a resumed run, a reclaimer's result, a strategy's pass. */
    default void note(String message) {
    }
}
