package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;
import java.time.Duration;
import java.util.Objects;

/**
 * A step the run has finished (or failed).
 *
 * @param step            the step
 * @param outcome         how it ended
 * @param peakStoreBytes  the highest store usage sampled while it ran
 * @param freeBytesBefore free store bytes when it started
 * @param duration        wall time
 * @param generation      the generation it installed, or 0 when it installed none
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record StepResult(Step step, Outcome outcome, long peakStoreBytes, long freeBytesBefore,
                         Duration duration, int generation) {

    public StepResult {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(duration, "duration");
    }

    /** How a step ended. */
    @Api(status = Api.Status.STABLE, since = "0.1")
    public enum Outcome {
        /** Built, installed and activated. */
        DONE,
        /** Ran out of disk while building. */
        OUT_OF_DISK,
        /** Failed for another reason. */
        FAILED,
        /** Not attempted: it would clearly not fit. */
        SKIPPED
    }
}
