package dev.inchworm.plugins.generation;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.rollback.RollbackContext;
import dev.inchworm.api.rollback.RollbackResult;
import dev.inchworm.api.strategy.StepResult;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Rolls back as deploy-rs does: points the system profile back at the initial generation,
 * activates it with {@code switch-to-configuration}, and deletes the generations the run
 * created. Needs the initial generation to still exist (see the {@code retrace} rollback for
 * when it does not). Idempotent: each action checks the profile first.
 */
@Extension
public final class GenerationRollback implements Rollback<NoSettings> {

    @Override
    public String id() {
        return "generation";
    }

    @Override
    public Class<NoSettings> settingsType() {
        return NoSettings.class;
    }

    @Override
    public String description() {
        return "point the profile back at the initial generation and activate it (as deploy-rs does)";
    }

    @Override
    public boolean canRestore(RollbackContext<NoSettings> context) {
        return initial(context).isPresent();
    }

    @Override
    public RollbackResult restore(RollbackContext<NoSettings> context) {
        Optional<Generation> initial = initial(context);
        if (initial.isEmpty()) {
            return RollbackResult.notRestored("generation " + context.initialGeneration().number()
                    + " (" + context.initialToplevel() + ") no longer exists");
        }
        Nix nix = context.host().nix();
        int number = initial.get().number();
        if (nix.currentGeneration().map(Generation::number).orElse(0) != number) {
            nix.switchGeneration(number);
        }
        nix.switchToConfiguration(context.initialToplevel(), context.action());
        List<Integer> failed = runGenerations(nix, context, number);
        return RollbackResult.restored("the profile is back on generation " + number + ", activated ("
                + context.action().argument() + ")" + deleted(context, failed));
    }

    /**
     * Deletes the run's generations. The host already runs the initial system: a generation
     * left behind costs space, so a failure here is reported, not turned into a failed rollback.
     */
    private static String deleted(RollbackContext<NoSettings> context, List<Integer> generations) {
        if (generations.isEmpty()) {
            return "";
        }
        try {
            context.host().nix().deleteGenerations(generations);
            return "; deleted generations " + generations;
        } catch (NixException | CommandException e) {
            context.host().log().warn("generation: cannot delete generations {}: {}", generations, e.getMessage());
            return "; could not delete generations " + generations + ": " + e.getMessage();
        }
    }

    private static Optional<Generation> initial(RollbackContext<NoSettings> context) {
        return context.host().nix().generations().stream()
                .filter(g -> g.number() == context.initialGeneration().number()
                        && g.toplevel().equals(context.initialToplevel()))
                .findFirst();
    }

    /** The generations after the initial one that hold one of the run's systems. */
    static List<Integer> runGenerations(Nix nix, RollbackContext<?> context, int initial) {
        Set<Integer> numbers = new HashSet<>();
        Set<StorePath> toplevels = new HashSet<>();
        for (StepResult step : context.steps()) {
            toplevels.add(step.step().toplevel());
            if (step.generation() > initial) {
                numbers.add(step.generation());
            }
        }
        return nix.generations().stream()
                .filter(g -> g.number() > initial && !g.current()
                        && (numbers.contains(g.number()) || toplevels.contains(g.toplevel())))
                .map(Generation::number).sorted().toList();
    }
}
