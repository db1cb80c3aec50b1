package dev.inchworm.plugins.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.rollback.RollbackContext;
import dev.inchworm.api.rollback.RollbackResult;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationRollbackTest {

    static final long MIB = 1L << 20;

    @TempDir
    Path state;

    record Context(NoSettings settings, Host host, PluginState state, Generation initialGeneration,
                   StorePath initialToplevel, Optional<StorePath> initialDrv, Optional<Revision> initialRevision,
                   List<StepResult> steps, SwitchAction action) implements RollbackContext<NoSettings> {
    }

    final MemoryNix nix = new MemoryNix(100 * MIB);
    final MemoryNix.Drv sys1 = nix.system("1", nix.pkg("app-1", 10 * MIB));
    final MemoryNix.Drv sys2 = nix.system("2", nix.pkg("app-2", 10 * MIB));
    final Generation initial = nix.install(sys1);

    Context afterFailedActivationOf(MemoryNix.Drv system) {
        nix.realise(system.drv(), Optional.empty(), line -> { });
        Generation failed = nix.setSystem(system.out());
        Step step = new Step("to 2", system.drv(), system.out(), 0, List.of(), Optional.empty());
        return new Context(new NoSettings(), nix.host(state), MemoryNix.notes(), initial, sys1.out(),
                Optional.of(sys1.drv()), Optional.empty(),
                List.of(new StepResult(step, StepResult.Outcome.FAILED, 0, 0, Duration.ZERO, failed.number())),
                SwitchAction.SWITCH);
    }

    @Test
    void pointsTheProfileBackActivatesAndDeletesTheFailedGeneration() {
        Context context = afterFailedActivationOf(sys2);
        GenerationRollback rollback = new GenerationRollback();
        assertTrue(rollback.canRestore(context));
        RollbackResult result = rollback.restore(context);

        assertTrue(result.restored(), result.detail());
        assertEquals(sys1.out(), nix.currentToplevel());
        assertEquals(List.of(1), nix.generations().stream().map(Generation::number).toList());
        assertEquals(List.of("switch nixos-system-1"), nix.activations);
        assertTrue(result.detail().contains("deleted generations [2]"), result.detail());
    }

    @Test
    void isIdempotent() {
        Context context = afterFailedActivationOf(sys2);
        new GenerationRollback().restore(context);
        RollbackResult again = new GenerationRollback().restore(context);
        assertTrue(again.restored());
        assertEquals(sys1.out(), nix.currentToplevel());
        assertEquals(List.of(1), nix.generations().stream().map(Generation::number).toList());
    }

    @Test
    void cannotRestoreWhenTheInitialGenerationIsGone() {
        Context context = afterFailedActivationOf(sys2);
        nix.deleteGenerations(List.of(1));
        assertFalse(new GenerationRollback().canRestore(context));
        assertFalse(new GenerationRollback().restore(context).restored());
        assertEquals(sys2.out(), nix.currentToplevel(), "nothing was changed");
    }

    @Test
    void leavesGenerationsTheRunDidNotCreate() {
        MemoryNix.Drv other = nix.system("other", nix.pkg("other-1", MIB));
        Context context = afterFailedActivationOf(sys2);
        nix.realise(other.drv(), Optional.empty(), line -> { });
        nix.setSystem(other.out()); // the admin's own generation 3
        new GenerationRollback().restore(context);
        assertEquals(List.of(1, 3), nix.generations().stream().map(Generation::number).toList());
    }
}
