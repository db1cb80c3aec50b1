package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.runtime.journal.StepFailure;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;

/**
 * Step phase ACTIVATING -> PRUNING: runs the new generation's
 * {@code switch-to-configuration} with the profile's action. A failed activation fails the
 * step with kind {@code activation}: no strategy retries it, the run rolls back.
 */
final class Switch implements StepPhaseHandler {

    @Override
    public StepRecord act(ActiveRun run, StepRecord step) {
        String action = run.setup().action().argument();
        run.progress().stage("activating generation " + step.generation() + " (" + action + ")");
        String failed = null;
        try {
            run.nix().switchToConfiguration(step.toplevel(), run.setup().action());
        } catch (NixException e) {
            failed = e.failure().detail();
        } catch (CommandException e) {
            failed = e.getMessage();
        }
        if (failed != null) {
            return step.failed(StepResult.Outcome.FAILED, StepFailure.own(StepFailure.Kind.ACTIVATION,
                    "switch-to-configuration " + action + " failed: " + failed));
        }
        return step.withPhase(StepPhase.PRUNING);
    }
}
