package dev.inchworm.plugins.retrace;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.rollback.RollbackContext;
import dev.inchworm.api.rollback.RollbackResult;
import dev.inchworm.api.strategy.StepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Rolls back when the initial generation is gone (collected to make room): retraces the run
 * backwards, rebuilding each earlier step's toplevel from its derivation and activating it,
 * down to the initial system: current -> previous step -> ... -> initial. Each of those
 * systems fitted on the way up, so each fits on the way down, where jumping straight to the
 * initial system might not. After each system is active, the newer generations of the run
 * are deleted and garbage collected to make room for the next.
 *
 * <p>When the initial generation still exists it simply switches back to it, as the
 * {@code generation} rollback does. Cannot restore when a derivation it would rebuild is gone
 * (the engine keeps the run's derivations alive while it runs). Idempotent: after an
 * interruption it resumes from whichever of those systems the host is on.
 */
@Extension
public final class Retrace implements Rollback<NoSettings> {

    @Override
    public String id() {
        return "retrace";
    }

    @Override
    public Class<NoSettings> settingsType() {
        return NoSettings.class;
    }

    @Override
    public String description() {
        return "rebuild the run's earlier systems backwards down to the initial one";
    }

    /** One system on the way back. */
    record Stop(StorePath toplevel, Optional<StorePath> drv, String label) {
    }

    @Override
    public boolean canRestore(RollbackContext<NoSettings> context) {
        return missing(context).isEmpty();
    }

    /** Why a stop on the way back cannot be rebuilt, or empty when all can. */
    private static Optional<String> missing(RollbackContext<NoSettings> context) {
        Nix nix = context.host().nix();
        if (initialGeneration(context).isPresent()) {
            return Optional.empty();
        }
        for (Stop stop : way(context)) {
            if (nix.isValid(stop.toplevel())) {
                continue;
            }
            if (stop.drv().isEmpty() || !nix.isValid(stop.drv().get())) {
                return Optional.of("the " + stop.label() + " " + stop.toplevel() + " is gone and so is its derivation"
                        + stop.drv().map(d -> " " + d).orElse(""));
            }
        }
        return Optional.empty();
    }

    @Override
    public RollbackResult restore(RollbackContext<NoSettings> context) {
        Nix nix = context.host().nix();
        Optional<String> missing = missing(context);
        if (missing.isPresent()) {
            return RollbackResult.notRestored(missing.get());
        }
        Optional<Generation> initial = initialGeneration(context);
        List<String> done = new ArrayList<>();
        if (initial.isEmpty()) {
            for (Stop stop : way(context)) {
                activate(context, stop);
                done.add(stop.label());
            }
        } else {
            if (nix.currentGeneration().map(Generation::number).orElse(0) != initial.get().number()) {
                nix.switchGeneration(initial.get().number());
            }
            nix.switchToConfiguration(context.initialToplevel(), context.action());
            done.add("initial generation " + initial.get().number());
        }
        List<Integer> deleted = pruneRunGenerations(context);
        return RollbackResult.restored("retraced to the initial system through " + String.join(" -> ", done)
                + (deleted.isEmpty() ? "" : "; deleted generations " + deleted));
    }

    /**
     * The systems to go through, from the host's present one back to the initial one: the
     * run's installed steps older than the one the host is on, newest first, then the initial.
     */
    static List<Stop> way(RollbackContext<NoSettings> context) {
        List<StepResult> installed = context.steps().stream()
                .filter(s -> s.outcome() == StepResult.Outcome.DONE).toList();
        StorePath now = context.host().nix().currentGeneration().map(Generation::toplevel).orElse(null);
        int from = installed.size();
        for (int i = 0; i < installed.size(); i++) {
            if (installed.get(i).step().toplevel().equals(now)) {
                from = i;
            }
        }
        List<Stop> way = new ArrayList<>();
        if (context.initialToplevel().equals(now)) {
            way.add(new Stop(context.initialToplevel(), context.initialDrv(), "initial system"));
            return way;
        }
        for (int i = from - 1; i >= 0; i--) {
            StepResult step = installed.get(i);
            way.add(new Stop(step.step().toplevel(), Optional.of(step.step().drv()), "system of step " + (i + 1)));
        }
        way.add(new Stop(context.initialToplevel(), context.initialDrv(), "initial system"));
        return way;
    }

    /** Builds (when gone), installs and activates one system, then frees what the newer ones held. */
    private static void activate(RollbackContext<NoSettings> context, Stop stop) {
        Nix nix = context.host().nix();
        Path root = context.host().stateDir().resolve("rebuilt");
        RuntimeException failure = null;
        try {
            if (!nix.isValid(stop.toplevel())) {
                // Room first: the run's systems the host no longer runs (left by an interruption).
                pruneRunGenerations(context);
                nix.collectGarbage(OptionalLong.empty());
                context.host().log().info("retrace: rebuilding the {} from {}", stop.label(), stop.drv().orElseThrow());
                nix.realise(stop.drv().orElseThrow(), Optional.of(root), line -> { });
            }
            Optional<Generation> existing = nix.generations().stream()
                    .filter(g -> g.toplevel().equals(stop.toplevel())).reduce((a, b) -> b);
            if (nix.currentGeneration().map(Generation::toplevel).filter(stop.toplevel()::equals).isEmpty()) {
                if (existing.isPresent()) {
                    nix.switchGeneration(existing.get().number());
                } else {
                    nix.setSystem(stop.toplevel());
                }
            }
            nix.switchToConfiguration(stop.toplevel(), context.action());
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                Files.deleteIfExists(root);
            } catch (IOException e) {
                // Never hide why the stop failed behind the root that could not be removed.
                UncheckedIOException rootLeft = new UncheckedIOException("cannot remove the GC root " + root, e);
                if (failure == null) {
                    throw rootLeft;
                }
                failure.addSuppressed(rootLeft);
            }
        }
        pruneRunGenerations(context);
        nix.collectGarbage(OptionalLong.empty());
    }

    private static Optional<Generation> initialGeneration(RollbackContext<NoSettings> context) {
        return context.host().nix().generations().stream()
                .filter(g -> g.number() == context.initialGeneration().number()
                        && g.toplevel().equals(context.initialToplevel()))
                .findFirst();
    }

    /** Deletes the run's generations (newer than the initial one, holding a step's system) but the current. */
    private static List<Integer> pruneRunGenerations(RollbackContext<NoSettings> context) {
        Nix nix = context.host().nix();
        Set<StorePath> runSystems = new HashSet<>();
        context.steps().forEach(s -> runSystems.add(s.step().toplevel()));
        runSystems.remove(context.initialToplevel());
        int initial = context.initialGeneration().number();
        List<Integer> doomed = nix.generations().stream()
                .filter(g -> !g.current() && g.number() > initial && runSystems.contains(g.toplevel()))
                .map(Generation::number).toList();
        if (!doomed.isEmpty()) {
            nix.deleteGenerations(doomed);
        }
        return doomed;
    }
}
