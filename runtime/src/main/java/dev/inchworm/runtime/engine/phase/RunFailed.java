package dev.inchworm.runtime.engine.phase;

import dev.inchworm.runtime.journal.RunFailure;

/** Ends the run's progress toward the target: the rollback follows. */
final class RunFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RunFailure failure;

    RunFailed(RunFailure failure) {
        super(failure.reason(), null, false, false);
        this.failure = failure;
    }

    RunFailure failure() {
        return failure;
    }
}
