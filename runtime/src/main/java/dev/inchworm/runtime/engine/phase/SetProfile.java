package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;
import java.util.Optional;

/**
 * Step phase SETTING_PROFILE -> ACTIVATING: makes the built toplevel the system profile's new
 * generation. After a crash the profile may already point at it; if the toplevel is gone
 * (collected while the run was down) the step goes back to BUILDING. With {@code test} or
 * {@code dry-activate} the profile is left alone, as nixos-rebuild does: the step is activated
 * without a generation of its own (its output stays rooted by the run until a later step).
 * Before the profile is set, {@link BootFit} checks that /boot holds the step's boot files.
 */
final class SetProfile implements StepPhaseHandler {

    @Override
    public StepRecord act(ActiveRun run, StepRecord step) {
        if (!run.setup().action().setsProfile()) {
            return run.nix().isValid(step.toplevel()) ? step.withPhase(StepPhase.ACTIVATING)
                    : step.withPhase(StepPhase.BUILDING);
        }
        Optional<Generation> current = run.nix().currentGeneration();
        Generation generation;
        if (current.isPresent() && current.get().toplevel().equals(step.toplevel())) {
            generation = current.get(); // set before an interruption
        } else if (!run.nix().isValid(step.toplevel())) {
            return step.withPhase(StepPhase.BUILDING);
        } else {
            Optional<StepRecord> refused = BootFit.check(run, step);
            if (refused.isPresent()) {
                return refused.get();
            }
            generation = run.nix().setSystem(step.toplevel());
            step = run.lastStep(); // with what reclaimers freed for /boot
        }
        return step.withGeneration(generation.number()).withPhase(StepPhase.ACTIVATING);
    }
}
