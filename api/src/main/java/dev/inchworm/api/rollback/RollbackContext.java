package dev.inchworm.api.rollback;

import dev.inchworm.api.Api;
import dev.inchworm.api.Context;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.strategy.StepResult;
import java.util.List;
import java.util.Optional;

/** What a {@link Rollback} is told: where the run started and what it did since. */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface RollbackContext<S extends Record> extends Context<S> {

    /** The generation the run started from. It may have been collected since (see retrace). */
    Generation initialGeneration();

    /** The toplevel the run started from: the system to restore. */
    StorePath initialToplevel();

    /** The initial toplevel's derivation, when it was known at the start. */
    Optional<StorePath> initialDrv();

    /** The revision the run started from, when known. */
    Optional<Revision> initialRevision();

    /** The steps of the run, oldest first (with the generations they installed). */
    List<StepResult> steps();

    /** The activation the profile asks for ({@code switch:}), used to activate the restored system. */
    SwitchAction action();
}
