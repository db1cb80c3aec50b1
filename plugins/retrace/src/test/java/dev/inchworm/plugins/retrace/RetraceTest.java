package dev.inchworm.plugins.retrace;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packages of 10 MiB upgraded one per step on a 45 MiB disk, the initial generation
 * pruned along the way: the direct way back (old and new side by side, 60 MiB) does not fit,
 * the retraced one does.
 */
class RetraceTest {

    static final long MIB = 1L << 20;

    @TempDir
    Path state;

    record Context(NoSettings settings, Host host, PluginState state, Generation initialGeneration,
                   StorePath initialToplevel, Optional<StorePath> initialDrv, Optional<Revision> initialRevision,
                   List<StepResult> steps, SwitchAction action) implements RollbackContext<NoSettings> {
    }

    final MemoryNix nix = new MemoryNix(45 * MIB);
    final MemoryNix.Drv a1 = nix.pkg("a-1", 10 * MIB);
    final MemoryNix.Drv b1 = nix.pkg("b-1", 10 * MIB);
    final MemoryNix.Drv c1 = nix.pkg("c-1", 10 * MIB);
    final MemoryNix.Drv a2 = nix.pkg("a-2", 10 * MIB);
    final MemoryNix.Drv b2 = nix.pkg("b-2", 10 * MIB);
    final MemoryNix.Drv c2 = nix.pkg("c-2", 10 * MIB);
    final MemoryNix.Drv sys0 = nix.system("0", a1, b1, c1);
    final MemoryNix.Drv sys1 = nix.system("1", a2, b1, c1);
    final MemoryNix.Drv sys2 = nix.system("2", a2, b2, c1);
    final MemoryNix.Drv sys3 = nix.system("3", a2, b2, c2);
    final Generation initial = nix.install(sys0);
    final List<StepResult> steps = new ArrayList<>();

    /** Walks up to the given systems as the engine does: build, set, activate, prune the previous, collect. */
    Context upTo(MemoryNix.Drv... systems) {
        for (MemoryNix.Drv system : systems) {
            int previous = nix.currentGeneration().orElseThrow().number();
            nix.realise(system.drv(), Optional.empty(), line -> { });
            Generation g = nix.setSystem(system.out());
            nix.switchToConfiguration(system.out(), SwitchAction.SWITCH);
            nix.deleteGenerations(List.of(previous)); // the initial one too: collected to make room
            nix.collectGarbage(OptionalLong.empty());
            steps.add(new StepResult(new Step("to " + system.out().name(), system.drv(), system.out(), 0, List.of(),
                    Optional.empty()), StepResult.Outcome.DONE, 0, 0, Duration.ZERO, g.number()));
        }
        nix.activations.clear();
        return new Context(new NoSettings(), nix.host(state), MemoryNix.notes(), initial, sys0.out(),
                Optional.of(sys0.drv()), Optional.empty(), steps, SwitchAction.SWITCH);
    }

    @Test
    void rebuildsTheEarlierSystemsBackwardsWithinTheDisk() throws Exception {
        Context context = upTo(sys1, sys2, sys3);
        assertFalse(nix.isValid(sys0.out()), "the initial system was collected");
        Retrace retrace = new Retrace();
        assertTrue(retrace.canRestore(context));

        RollbackResult result = retrace.restore(context);

        assertTrue(result.restored(), result.detail());
        assertEquals(sys0.out(), nix.currentToplevel());
        assertEquals(List.of("switch nixos-system-2", "switch nixos-system-1", "switch nixos-system-0"),
                nix.activations);
        assertEquals(1, nix.generations().size(), "only the restored system's generation is left");
        assertTrue(nix.peakUsed() <= 45 * MIB);
        assertFalse(Files.exists(state.resolve("rebuilt")), "no GC root left behind");
    }

    @Test
    void theDirectWayBackWouldNotHaveFit() {
        upTo(sys1, sys2, sys3);
        try {
            nix.realise(sys0.drv(), Optional.empty(), line -> { });
        } catch (dev.inchworm.api.nix.NixException e) {
            assertTrue(e.failure() instanceof dev.inchworm.api.nix.NixFailure.OutOfDisk);
            return;
        }
        throw new AssertionError("the initial system fitted beside the target: the test proves nothing");
    }

    @Test
    void resumesFromWhereverAnInterruptionLeftIt() {
        Context context = upTo(sys1, sys2, sys3);
        // Interrupted after reaching step 2's system on the way back.
        nix.realise(sys2.drv(), Optional.empty(), line -> { });
        nix.setSystem(sys2.out());
        nix.activations.clear();
        RollbackResult result = new Retrace().restore(context);
        assertTrue(result.restored(), result.detail());
        assertEquals(List.of("switch nixos-system-1", "switch nixos-system-0"), nix.activations);
        assertEquals(sys0.out(), nix.currentToplevel());
    }

    @Test
    void cannotRestoreWhenADerivationIsGone() {
        Context context = upTo(sys1, sys2, sys3);
        nix.forgetDerivation(sys1);
        assertFalse(new Retrace().canRestore(context));
        RollbackResult result = new Retrace().restore(context);
        assertFalse(result.restored());
        assertTrue(result.detail().contains("system of step 1"), result.detail());
        assertEquals(sys3.out(), nix.currentToplevel(), "nothing was changed");
    }

    @Test
    void switchesBackWhenTheInitialGenerationStillExists() {
        nix.realise(sys1.drv(), Optional.empty(), line -> { });
        Generation g = nix.setSystem(sys1.out());
        steps.add(new StepResult(new Step("to 1", sys1.drv(), sys1.out(), 0, List.of(), Optional.empty()),
                StepResult.Outcome.DONE, 0, 0, Duration.ZERO, g.number()));
        Context context = new Context(new NoSettings(), nix.host(state), MemoryNix.notes(), initial, sys0.out(),
                Optional.empty(), Optional.empty(), steps, SwitchAction.BOOT);
        RollbackResult result = new Retrace().restore(context);
        assertTrue(result.restored(), result.detail());
        assertEquals(List.of(1), nix.generations().stream().map(Generation::number).toList());
        assertEquals(List.of("boot nixos-system-0"), nix.activations);
    }
}
