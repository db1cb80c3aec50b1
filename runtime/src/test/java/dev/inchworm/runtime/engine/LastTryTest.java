package dev.inchworm.runtime.engine;

import static dev.inchworm.runtime.engine.EngineFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.journal.RunResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain rebuild as the last try, when every strategy passed on its estimates. */
class LastTryTest {

    @TempDir(factory = MemoryTempDir.class)
    Path state;

    private static UpgradeRequest from(EngineFixture f) {
        return new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit()));
    }

    @Test
    void whenEveryStrategyPassedThePlainRebuildIsTriedOnceAndCanSucceed() {
        // the whole upgrade needs 34 MiB; 70 are free: the strategy's estimate was wrong
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new PlanAndStatusTest.PassingWhole());

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, report.result());
        assertEquals(f.sys2.out(), f.nix.currentToplevel());
        assertEquals(1, report.steps().size());
        RunReport.StepReport step = report.steps().get(0);
        assertEquals("last-try", step.strategy());
        assertTrue(step.description().startsWith("last try: the plain rebuild"), step.description());
        assertEquals("whole", report.passes().get(0).strategy(), "the pass that led to it is reported");
    }

    @Test
    void aLastTryThatRunsOutOfDiskRollsBackAndIsNotRetried() {
        EngineFixture f = new EngineFixture(state, 60 * MIB).strategy(new PlanAndStatusTest.PassingWhole());

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertEquals(List.of("last-try"), report.steps().stream().map(RunReport.StepReport::strategy).toList());
        assertEquals("out-of-disk", report.steps().get(0).outcome());
        assertTrue(report.failure().reason().contains("last try"), report.failure().reason());
    }

    @Test
    void withLastTryOffTheRunRollsBackWithoutBuilding() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new PlanAndStatusTest.PassingWhole());
        f.config = f.config.withLastTry(false);

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(0, report.steps().size());
        assertTrue(f.nix.calls.stream().noneMatch(c -> c.startsWith("realise")), f.nix.calls.toString());
    }

    @Test
    void aWholeUpgradeThatAlreadyFailedFromThisSystemIsNotTriedAgain() {
        // whole tries the target (it runs out of disk), then passes: no second plain rebuild
        EngineFixture f = new EngineFixture(state, 60 * MIB).strategy(new FakeExtensions.Whole("whole", MIB));

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(List.of("whole"), report.steps().stream().map(RunReport.StepReport::strategy).toList());
        assertEquals(EngineConfig.defaults().lastTry(), true);
    }
}
