package dev.inchworm.runtime.engine;

import static dev.inchworm.runtime.engine.EngineFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine.keepInitial: the initial generation released once the first step is switched. */
class InitialReleaseTest {

    @TempDir(factory = MemoryTempDir.class)
    Path state;

    private EngineFixture walk(EngineConfig.KeepInitial keep) {
        EngineFixture f = new EngineFixture(state, 100 * MIB);
        MemoryNix.Drv half = f.nix.system("1.5", f.app1, f.lib1, f.lib2);
        f.strategy(new FakeExtensions.Walk(List.of(f.sys1, half, f.sys2), half));
        f.config = new EngineConfig(MIB, EngineConfig.Interrupted.RESUME, keep);
        return f;
    }

    private static UpgradeRequest from(EngineFixture f) {
        return new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit()));
    }

    @Test
    void releasedTheInitialGenerationIsDeletedOnceTheFirstStepIsSwitchedAndItsOldVersionsCollected() {
        EngineFixture f = walk(EngineConfig.KeepInitial.NEVER);
        f.nix.failActivationOf(f.sys2);
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertTrue(Journal.read(state).orElseThrow().initialReleased().isPresent(), "the decision is journalled");
        assertTrue(f.nix.calls.stream().anyMatch(c -> c.startsWith("deleteGenerations") && c.contains("1")),
                f.nix.calls.toString());
        assertEquals(RunResult.ROLLED_BACK, report.result(), String.valueOf(report.rollback()));
        assertEquals(f.sys1.out(), f.nix.currentToplevel(), "rebuilt from the initial .drv (retrace)");
        assertTrue(report.rollback().contains("rebuilt"), report.rollback());
    }

    @Test
    void keptAlwaysTheInitialGenerationStaysUntilTheTarget() {
        EngineFixture f = walk(EngineConfig.KeepInitial.ALWAYS);
        f.nix.failActivationOf(f.sys2);
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertFalse(Journal.read(state).orElseThrow().initialReleased().isPresent());
        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertTrue(f.nix.generations().stream().map(Generation::number).toList().contains(1));
    }

    @Test
    void autoKeepsTheInitialGenerationWhileThePlanFitsWithIt() {
        EngineFixture f = walk(EngineConfig.KeepInitial.AUTO);
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, report.result());
        assertFalse(Journal.read(state).orElseThrow().initialReleased().isPresent());
    }
}
