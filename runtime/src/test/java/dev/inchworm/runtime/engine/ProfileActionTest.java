package dev.inchworm.runtime.engine;

import static dev.inchworm.runtime.engine.EngineFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switch: test} and {@code switch: dry-activate} leave the system profile alone, as
 * nixos-rebuild does; the run follows the steps it activated instead of the profile.
 */
class ProfileActionTest {

    @TempDir(factory = MemoryTempDir.class)
    Path state;

    private static UpgradeRequest from(EngineFixture f) {
        return new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit()));
    }

    private static List<Integer> generations(EngineFixture f) {
        return f.nix.generations().stream().map(Generation::number).toList();
    }

    @Test
    void testActivatesEachStepAndLeavesTheProfileOnTheInitialGeneration() {
        EngineFixture f = new EngineFixture(state, 100 * MIB);
        MemoryNix.Drv half = f.nix.system("1.5", f.app1, f.lib1, f.lib2);
        FakeExtensions.Walk walk = new FakeExtensions.Walk(List.of(f.sys1, half, f.sys2), null);
        f.strategy(walk);
        f.action = SwitchAction.TEST;

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, report.result());
        assertEquals(List.of("test nixos-system-1.5", "test nixos-system-2"), f.nix.activations);
        assertEquals(List.of(1), generations(f), "no generation was made");
        assertEquals(f.sys1.out(), f.nix.currentToplevel(), "the boot default is still the initial system");
        assertEquals(List.of("propose from nixos-system-1", "propose from nixos-system-1.5"), walk.asked, "the second step starts from the one activated");
        assertEquals(f.sys2.out(), report.finalToplevel());
        assertTrue(report.reproducible());
        assertNull(report.steps().get(0).generation(), "a step activated with test has no generation");
    }

    @Test
    void dryActivateBuildsAndAsksButChangesNoGeneration() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.action = SwitchAction.DRY_ACTIVATE;

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, report.result());
        assertEquals(List.of("dry-activate nixos-system-2"), f.nix.activations);
        assertEquals(List.of(1), generations(f));
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertTrue(f.nix.isValid(f.sys1.out()), "the initial system is never collected: the profile holds it");
    }

    @Test
    void aFailedTestActivationIsRolledBackByActivatingTheInitialSystemAgain() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.action = SwitchAction.TEST;
        f.nix.failActivationOf(f.sys2);

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(List.of("test nixos-system-1"), f.nix.activations);
        assertEquals(List.of(1), generations(f));
        assertEquals(f.sys1.out(), report.finalToplevel());
    }

    @Test
    void aNewKernelNeedsARebootAfterSwitchButNotAfterTestWhoseRebootGoesBack() {
        EngineFixture f = new EngineFixture(state.resolve("switch"), 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.newKernelIn(f.sys2);
        RunReport switched = f.engine().upgrade(from(f), Progress.QUIET);
        assertTrue(switched.rebootNeeded());
        assertEquals(List.of("kernel"), switched.rebootFor());

        EngineFixture t = new EngineFixture(state.resolve("test"), 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        t.nix.newKernelIn(t.sys2);
        t.action = SwitchAction.TEST;
        RunReport tested = t.engine().upgrade(from(t), Progress.QUIET);
        assertFalse(tested.rebootNeeded());
        assertEquals(List.of(), tested.rebootFor());
    }

    @Test
    void switchAndBootSetTheProfile() {
        assertTrue(SwitchAction.SWITCH.setsProfile());
        assertTrue(SwitchAction.BOOT.setsProfile());
        assertFalse(SwitchAction.TEST.setsProfile());
        assertFalse(SwitchAction.DRY_ACTIVATE.setsProfile());
    }
}
