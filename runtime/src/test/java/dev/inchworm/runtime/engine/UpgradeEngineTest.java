package dev.inchworm.runtime.engine;

import dev.inchworm.testkit.MemoryNix;

import static dev.inchworm.runtime.engine.EngineFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.config.Timeouts;
import dev.inchworm.runtime.journal.HostLock;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.JournalException;
import dev.inchworm.runtime.journal.LockHeldException;
import dev.inchworm.runtime.journal.RunPhase;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.runtime.journal.StateJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpgradeEngineTest {

    @TempDir(factory = MemoryTempDir.class)
    Path state;

    private static UpgradeRequest from(EngineFixture f) {
        return new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit()));
    }

    @Test
    void aPlainUpgradeThatFitsEndsOnTheTargetWithTheOldGenerationGone() throws Exception {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 40 * MIB));
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, report.result());
        assertTrue(report.reproducible());
        assertEquals(f.sys2.out(), report.finalToplevel());
        assertEquals(f.sys2.out(), f.nix.currentToplevel());
        assertEquals(List.of("switch nixos-system-2"), f.nix.activations);
        assertEquals(List.of(2), f.nix.generations().stream().map(Generation::number).toList(),
                "the initial generation is pruned at the end of a run that reached its target");
        assertEquals(Set.of(f.sys2.out(), f.app2.out(), f.lib2.out()), f.nix.validPaths(), "the old system is collected");
        assertEquals(1, report.steps().size());
        RunReport.StepReport step = report.steps().get(0);
        assertEquals("done", step.outcome());
        assertEquals(100 * MIB - 30 * MIB - 4096, step.freeBytesBefore());
        assertTrue(step.peakStoreBytes() >= 64 * MIB, "peak " + step.peakStoreBytes());
        assertEquals(f.rev1, report.from().rev());
        assertEquals(f.rev2, report.to().rev());
        assertEquals(f.sys2.out(), report.to().toplevel());

        RunRecord journal = Journal.read(state).orElseThrow();
        assertEquals(RunPhase.FINISHED, journal.phase());
        RunReport saved = StateJson.mapper().readValue(state.resolve(Reports.LAST).toFile(), RunReport.class);
        assertEquals(report, saved);
        assertTrue(Files.exists(state.resolve("reports").resolve(report.runId() + ".json")));
        assertTrue(HostLock.holder(state).isEmpty(), "the lock is free");
        try (var roots = Files.list(Files.createDirectories(state.resolve("gcroots")))) {
            assertEquals(0, roots.count(), "the build's GC root is gone");
        }
        String json = Files.readString(state.resolve(Reports.LAST));
        for (String key : List.of("\"result\" : \"upgraded\"", "\"from\"", "\"to\"", "\"rev\"", "\"toplevel\"",
                "\"steps\"", "\"description\"", "\"outcome\"", "\"peakStoreBytes\"", "\"freeBytesBefore\"",
                "\"durationMs\"", "\"finalToplevel\"", "\"reproducible\" : true")) {
            assertTrue(json.contains(key), key + " in " + json);
        }
    }

    @Test
    void theRevisionOfAnInstalledSystemIsRememberedForTheNextRun() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        RunRefused refused = assertThrows(RunRefused.class, () -> f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET));
        assertTrue(refused.getMessage().contains("--from"), refused.getMessage());
        assertTrue(refused.getMessage().contains("installed.json"), refused.getMessage());
        assertEquals(List.of(), f.nix.activations);

        f.engine().upgrade(from(f), Progress.QUIET);
        RunReport again = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.ALREADY_CURRENT, again.result());
        assertEquals(f.rev2, again.from().rev(), "the revision recorded by the first run");
        assertTrue(again.reproducible());
        assertEquals(List.of("switch nixos-system-2"), f.nix.activations, "nothing activated the second time");
    }

    @Test
    void anUnknownTargetIsRefusedNamingTheOption() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        RunRefused refused = assertThrows(RunRefused.class, () -> f.engine().upgrade(
                new UpgradeRequest(Optional.of("fff"), Optional.of(f.rev1.commit())), Progress.QUIET));
        assertTrue(refused.getMessage().startsWith("--to fff"), refused.getMessage());
        assertTrue(Journal.read(state).isEmpty(), "no run was begun");
    }

    @Test
    void anUpgradeThatDoesNotFitIsRolledBackAndSaysWhyWithBytes() {
        EngineFixture f = new EngineFixture(state, 50 * MIB).strategy(new FakeExtensions.Whole("whole", 34 * MIB));
        Set<dev.inchworm.api.nix.StorePath> before = f.nix.validPaths();
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertFalse(report.reproducible());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertEquals(f.sys1.out(), report.finalToplevel());
        assertEquals(before, f.nix.validPaths(), "the failed build's outputs are collected");
        assertEquals("out-of-disk", report.steps().get(0).outcome());
        assertEquals(35 * MIB, report.failure().neededBytes());
        assertEquals(50 * MIB - 30 * MIB - 4096, report.failure().freeBytes());
        assertTrue(report.failure().reason().contains("out of disk"), report.failure().reason());
        assertTrue(report.failure().reason().contains("whole: "), "the strategy's pass is named: " + report.failure().reason());
        assertEquals(List.of("switch nixos-system-1"), f.nix.activations, "the rollback activated the initial system");
        assertEquals(1, f.rollback.restores);
    }

    @Test
    void anOutOfMemoryErrorInAStrategyStillRestoresTheHostAndLeavesAReport() throws Exception {
        EngineFixture g = new EngineFixture(state, 100 * MIB).strategy(new OutOfMemory());
        g.config = g.config.withLastTry(false); // else the plain rebuild, tried last, would succeed
        RunReport report = g.engine().upgrade(from(g), Progress.QUIET);

        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertTrue(report.failure().reason().contains("OutOfMemoryError"), report.failure().reason());
        assertEquals(g.sys1.out(), g.nix.currentToplevel());
        RunReport saved = StateJson.mapper().readValue(state.resolve(Reports.LAST).toFile(), RunReport.class);
        assertEquals(report.runId(), saved.runId());
    }

    /** A strategy whose analysis does not fit in the heap. */
    private static final class OutOfMemory implements dev.inchworm.api.strategy.UpgradeStrategy<dev.inchworm.api.NoSettings> {
        @Override
        public String id() {
            return "greedy";
        }

        @Override
        public Class<dev.inchworm.api.NoSettings> settingsType() {
            return dev.inchworm.api.NoSettings.class;
        }

        @Override
        public dev.inchworm.api.strategy.Proposal propose(dev.inchworm.api.strategy.StrategyContext<dev.inchworm.api.NoSettings> context) {
            throw new OutOfMemoryError("Java heap space");
        }

        @Override
        public dev.inchworm.api.strategy.Proposal afterFailure(dev.inchworm.api.strategy.StrategyContext<dev.inchworm.api.NoSettings> context,
                dev.inchworm.api.strategy.Step failed, dev.inchworm.api.nix.NixFailure failure) {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void aStepThatRanOutOfDiskBelowItsEstimateIsReportedToNeedMoreThanWasFree() {
        EngineFixture f = new EngineFixture(state, 50 * MIB).strategy(new FakeExtensions.Whole("whole", 2 * MIB));
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        long free = 50 * MIB - 30 * MIB - 4096;
        assertEquals(free, report.failure().freeBytes());
        assertEquals(free + 1, report.failure().neededBytes());
        assertTrue(report.failure().reason().contains("needs more than the 20.0 MiB that were free"),
                report.failure().reason());
    }

    @Test
    void aStepThatRunsOutOfDiskIsSplitByItsStrategy() {
        // 65 MiB: the whole target (34 MiB new) does not fit beside the old system (30 MiB) and
        // 15 MiB of garbage; the new lib alone does, and then the new app in place of the old.
        EngineFixture f = new EngineFixture(state, 65 * MIB);
        MemoryNix.Drv half = f.nix.system("1.5", f.app1, f.lib1, f.lib2);
        FakeExtensions.Walk walk = new FakeExtensions.Walk(List.of(f.sys1, half, f.sys2), half);
        f.strategy(new FakeExtensions.Whole("whole", 0)).strategy(walk);
        MemoryNix.Drv junk = f.nix.pkg("junk", 15 * MIB);
        f.nix.realise(junk.drv(), Optional.empty(), l -> { });

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, report.result(), String.valueOf(report.failure()));
        assertEquals(List.of("out-of-disk", "done", "done"), report.steps().stream().map(RunReport.StepReport::outcome).toList());
        assertEquals("whole", report.passes().get(0).strategy());
        assertEquals(List.of("switch nixos-system-1.5", "switch nixos-system-2"), f.nix.activations);
        assertEquals(List.of(3), f.nix.generations().stream().map(Generation::number).toList(),
                "the intermediate generation is pruned after the next step, the initial one at the end");
        assertTrue(walk.asked.contains("propose from nixos-system-1.5"), walk.asked.toString());
    }

    @Test
    void reclaimersRunCheapestFirstOnlyWhileTheStepIsShort() {
        EngineFixture f = new EngineFixture(state, 90 * MIB).strategy(new FakeExtensions.Whole("whole", 40 * MIB));
        f.reclaimer(new FakeExtensions.Prune(f.log)).reclaimer(new FakeExtensions.Gc(f.log));
        MemoryNix.Drv junk = f.nix.pkg("junk", 25 * MIB);
        f.nix.realise(junk.drv(), Optional.empty(), l -> { });

        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, report.result());
        assertEquals(1, f.log.size(), "gc freed enough, prune was not needed: " + f.log);
        assertTrue(f.log.get(0).startsWith("gc "), f.log.toString());
        assertEquals("gc", report.steps().get(0).reclaimed().get(0).reclaimer());
        assertEquals(25 * MIB, report.steps().get(0).reclaimed().get(0).freedBytes());
    }

    @Test
    void reclaimersAreToldWhichGenerationsToProtect() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 99 * MIB));
        f.reclaimer(new FakeExtensions.Prune(f.log));
        f.nix.live.add(f.sys1.out());
        f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(List.of("prune protecting [1]"), f.log);
    }

    @Test
    void aFailedActivationIsRolledBackAndTheFailedGenerationDeleted() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.failActivationOf(f.sys2);
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);

        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertEquals(List.of(1), f.nix.generations().stream().map(Generation::number).toList());
        assertEquals(List.of("switch nixos-system-1"), f.nix.activations);
        assertTrue(report.failure().reason().contains("switch-to-configuration switch failed"), report.failure().reason());
        assertEquals(Set.of(f.sys1.out(), f.app1.out(), f.lib1.out()), f.nix.validPaths());
    }

    @Test
    void aTargetThatFailsToBuildIsRolledBack() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.failBuildOf(f.app2);
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals("failed", report.steps().get(0).outcome());
        assertTrue(report.failure().reason().contains("builder-failed"), report.failure().reason());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
    }

    @Test
    void aTargetThatFailsToEvaluateIsRolledBackWithNixsMessage() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.breakEvaluationOf(f.rev2);
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertTrue(report.failure().reason().contains("undefined variable 'oops'"), report.failure().reason());
        assertNull(report.to().toplevel());
        assertEquals(List.of(), report.steps());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
    }

    @Test
    void anEvaluationThatRunsOutOfDiskIsReclaimedAndRetriedOnce() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.fillDiskWhileEvaluating(f.rev2, 1);
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.UPGRADED, report.result());
        assertEquals(f.sys2.out(), f.nix.currentToplevel());
    }

    @Test
    void anEvaluationThatRunsOutOfDiskAgainAfterReclaimingSaysSo() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.fillDiskWhileEvaluating(f.rev2, 2);
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertTrue(report.failure().reason().contains("ran out of disk while evaluating, again after reclaiming"),
                report.failure().reason());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
    }

    @Test
    void aRollbackThatCannotRestoreClosesTheRunFailedAndTheNextUpgradeStartsAfresh() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.failActivationOf(f.sys2);
        f.rollback.refuse = true;
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.FAILED, report.result());
        assertTrue(report.rollback().contains("cannot restore"), report.rollback());
        RunRecord closed = Journal.read(state).orElseThrow();
        assertEquals(RunPhase.FINISHED, closed.phase(), "a run that cannot be rolled back does not stay open");
        assertEquals(RunResult.FAILED, closed.result());

        f.rollback.refuse = false;
        List<String> notes = new ArrayList<>();
        Progress noting = new Progress() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
        // The host was left on the target's generation; the admin says which revision that is.
        RunReport next = f.engine().upgrade(new UpgradeRequest(Optional.empty(), Optional.of(f.rev2.commit())), noting);
        assertNotEquals(report.runId(), next.runId(), "a new run, not the failed one resumed");
        assertEquals(RunResult.ALREADY_CURRENT, next.result());
        assertTrue(notes.stream().anyMatch(n -> n.contains("the last run " + report.runId() + " ended failed")),
                notes.toString());
    }

    @Test
    void aRollbackThatCouldNotRestoreIsTriedAgainByInchwormRollback() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.failActivationOf(f.sys2);
        f.rollback.refuse = true;
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.FAILED, report.result());

        f.rollback.refuse = false;
        RunReport retried = f.engine().rollBack(Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, retried.result());
        assertEquals(report.runId(), retried.runId());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
    }

    @Test
    void rollbackOfAFinishedRunIsRefusedUpFrontWhenTheRollbackCannotRestore() throws Exception {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        RunReport upgraded = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.UPGRADED, upgraded.result());
        String journalBefore = Files.readString(state.resolve(Journal.FILE_NAME));

        RunRefused e = assertThrows(RunRefused.class, () -> f.engine().rollBack(Progress.QUIET));
        assertTrue(e.getMessage().contains("was deleted when the run ended"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
        assertTrue(e.getMessage().contains("rollback: retrace"), e.getMessage());
        assertEquals(journalBefore, Files.readString(state.resolve(Journal.FILE_NAME)), "the journal is untouched");
        assertEquals(f.sys2.out(), f.nix.currentToplevel());

        RunReport next = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.ALREADY_CURRENT, next.result(), "later runs are not blocked");
    }

    @Test
    void anErrorThrownByAPluginIsAFailedCallAndTheRunRollsBack() {
        EngineFixture f = new EngineFixture(state, 100 * MIB)
                .strategy(new FakeExtensions.Hostile("deep", FakeExtensions::overflow));
        f.config = f.config.withLastTry(false); // else the plain rebuild, tried last, would succeed
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertTrue(report.passes().get(0).reason().contains("StackOverflowError"), report.passes().toString());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertEquals(RunPhase.FINISHED, Journal.read(state).orElseThrow().phase());
    }

    @Test
    void aPluginCallPastItsTimeoutFailsTheCallNamingThePluginAndTheSetting() {
        EngineFixture f = new EngineFixture(state, 100 * MIB)
                .strategy(new FakeExtensions.Hostile("stuck", FakeExtensions::forever))
                .strategy(new FakeExtensions.Whole("whole", 0));
        f.timeouts = Timeouts.DEFAULTS.withPluginCall(java.time.Duration.ofMillis(200));
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.UPGRADED, report.result(), "the next strategy drives");
        String why = report.passes().get(0).reason();
        assertTrue(why.contains("strategy 'stuck' (propose) did not return within 200ms (timeouts.pluginCall)"), why);
        assertFalse(Files.exists(state.resolve(PluginCalls.MARKER)), "no call is left marked");
    }

    @Test
    void provisionersAreAcquiredInOrderAndReleasedInReverseAlsoAfterAFailure() {
        EngineFixture f = new EngineFixture(state, 50 * MIB).strategy(new FakeExtensions.Whole("whole", 0))
                .provisioner("swap").provisioner("stop-services");
        RunReport report = f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(List.of("acquire swap", "acquire stop-services", "release stop-services", "release swap"), f.log);
        assertEquals(List.of(), Journal.read(state).orElseThrow().provisioners());
    }

    @Test
    void aCorruptJournalStopsTheRunBeforeAnythingIsDone() throws Exception {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        Files.writeString(state.resolve(Journal.FILE_NAME), "{ not json");
        JournalException e = assertThrows(JournalException.class, () -> f.engine().upgrade(from(f), Progress.QUIET));
        assertTrue(e.getMessage().contains(state.resolve(Journal.FILE_NAME).toString()), e.getMessage());
        assertEquals(List.of(), f.nix.activations);
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertTrue(f.nix.calls.isEmpty(), "no Nix command ran: " + f.nix.calls);
    }

    @Test
    void aSecondRunIsRefusedWhileTheLockIsHeld() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        try (HostLock held = HostLock.acquire(state)) {
            assertNotNull(held);
            assertThrows(LockHeldException.class, () -> f.engine().upgrade(from(f), Progress.QUIET));
            assertThrows(LockHeldException.class, () -> f.engine().rollBack(Progress.QUIET));
        }
        assertTrue(f.nix.calls.isEmpty(), "no Nix command ran: " + f.nix.calls);
    }

    @Test
    void rollbackOnRequestUndoesTheLastUpgrade() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.nix.live.add(f.sys1.out()); // booted from the initial system: its generation stays
        f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(f.sys2.out(), f.nix.currentToplevel());

        RunReport report = f.engine().rollBack(Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertEquals(List.of("switch nixos-system-2", "switch nixos-system-1"), f.nix.activations);

        RunReport again = f.engine().rollBack(Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, again.result());
        assertEquals(2, f.nix.activations.size(), "nothing more to roll back");
    }

    @Test
    void rollbackWithoutAnyRunIsRefused() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        RunRefused e = assertThrows(RunRefused.class, () -> f.engine().rollBack(Progress.QUIET));
        assertTrue(e.getMessage().contains("nothing to roll back"), e.getMessage());
    }

    @Test
    void theActionOfTheProfileIsUsedToActivate() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        f.action = SwitchAction.BOOT;
        f.engine().upgrade(from(f), Progress.QUIET);
        assertEquals(List.of("boot nixos-system-2"), f.nix.activations);
    }

    @Test
    void progressIsReportedThroughTheListener() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        List<String> seen = new ArrayList<>();
        f.engine().upgrade(from(f), new Progress() {
            @Override
            public void stage(String what) {
                seen.add("stage " + what);
            }

            @Override
            public void step(int number, String strategy, dev.inchworm.api.strategy.Step step,
                             dev.inchworm.api.storage.StorageReport storage) {
                seen.add("step " + number + " " + strategy + " free " + storage.store().freeBytes());
            }

            @Override
            public void building(String line) {
                seen.add("line " + line);
            }
        });
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("stage evaluating")), seen.toString());
        assertTrue(seen.contains("step 1 whole free " + (70 * MIB - 4096)), seen.toString());
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("line building") && s.contains("app-2.drv")), seen.toString());
    }

    @Test
    void aResumeTowardAnotherTargetIsRefused() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        assertThrows(MemoryNix.SimulatedCrash.class, () -> f.crashingAfter(3).upgrade(from(f), Progress.QUIET));
        f.nix.revive();
        RunRefused e = assertThrows(RunRefused.class, () -> f.engine().upgrade(
                new UpgradeRequest(Optional.of(f.rev1.commit()), Optional.empty()), Progress.QUIET));
        assertTrue(e.getMessage().contains("inchworm rollback"), e.getMessage());
        assertEquals(RunResult.UPGRADED, f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET).result());
    }

    @Test
    void anInterruptedRunIsRolledBackWhenTheProfileSaysSo() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        assertThrows(MemoryNix.SimulatedCrash.class, () -> f.crashingAfter(5).upgrade(from(f), Progress.QUIET));
        f.nix.revive();
        f.config = new EngineConfig(MIB, EngineConfig.Interrupted.ROLLBACK);
        RunReport report = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, report.result());
        assertEquals(1, report.resumed());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertTrue(report.failure().reason().contains("onInterrupted"), report.failure().reason());
    }
}
