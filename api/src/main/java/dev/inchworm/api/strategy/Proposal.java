package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;
import java.util.Objects;

/**
 * A strategy's answer: the next step to take, or a pass (this strategy cannot help; the
 * engine asks the next strategy of the profile's chain).
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public sealed interface Proposal {

    /** Take this step next. */
    static Proposal next(Step step) {
        return new Next(step);
    }

    /** This strategy cannot go on; {@code reason} says why, for the report. */
    static Proposal pass(String reason) {
        return new Pass(reason);
    }

    /** The next step. */
    record Next(Step step) implements Proposal {
        public Next {
            Objects.requireNonNull(step, "step");
        }
    }

    /** A pass, with the reason. */
    record Pass(String reason) implements Proposal {
        public Pass {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
