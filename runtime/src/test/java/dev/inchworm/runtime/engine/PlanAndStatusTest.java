package dev.inchworm.runtime.engine;

import dev.inchworm.testkit.MemoryNix;

import static dev.inchworm.runtime.engine.EngineFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.runtime.journal.Journal;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanAndStatusTest {

    @TempDir(factory = MemoryTempDir.class)
    Path state;

    @Test
    void aPlanListsEachStepWithWhatItBuildsAndChangesNothing() {
        EngineFixture f = new EngineFixture(state, 65 * MIB);
        MemoryNix.Drv half = f.nix.system("1.5", f.app1, f.lib1, f.lib2);
        f.strategy(new PassingWhole()).strategy(new FakeExtensions.Walk(List.of(f.sys1, half, f.sys2), half));

        Plan plan = f.engine().plan(new UpgradeRequest(Optional.empty(), Optional.empty()), Progress.QUIET);

        assertFalse(plan.alreadyCurrent());
        assertTrue(plan.complete());
        assertEquals(f.rev2, plan.to().rev());
        assertEquals(f.sys2.out(), plan.to().toplevel());
        assertNull(plan.from().rev(), "no revision is known for the current system");
        assertEquals("whole", plan.passes().get(0).strategy());
        assertEquals(2, plan.steps().size());
        assertEquals(List.of(half.drv()), plan.steps().get(0).toBuild().stream()
                .filter(p -> p.name().startsWith("nixos")).toList());
        assertTrue(plan.steps().get(0).toBuild().contains(f.lib2.drv()));
        assertEquals(65 * MIB - 30 * MIB - 4096, plan.freeBytes());
        assertEquals(List.of(), f.nix.activations, "nothing activated");
        assertEquals(List.of(1), f.nix.generations().stream().map(Generation::number).toList());
        assertFalse(f.nix.calls.stream().anyMatch(c -> c.startsWith("realise") || c.startsWith("setSystem")),
                f.nix.calls.toString());
        assertTrue(Journal.read(state).isEmpty(), "a plan is not a run");
    }

    /** Passes at once, as full-rebuild does when its estimate clearly does not fit. */
    static final class PassingWhole implements dev.inchworm.api.strategy.UpgradeStrategy<dev.inchworm.api.NoSettings> {
        @Override
        public String id() {
            return "whole";
        }

        @Override
        public Class<dev.inchworm.api.NoSettings> settingsType() {
            return dev.inchworm.api.NoSettings.class;
        }

        @Override
        public dev.inchworm.api.strategy.Proposal propose(
                dev.inchworm.api.strategy.StrategyContext<dev.inchworm.api.NoSettings> context) {
            return dev.inchworm.api.strategy.Proposal.pass(context.hasFallback() ? "does not fit" : "no fallback");
        }

        @Override
        public dev.inchworm.api.strategy.Proposal afterFailure(
                dev.inchworm.api.strategy.StrategyContext<dev.inchworm.api.NoSettings> context,
                dev.inchworm.api.strategy.Step failed, dev.inchworm.api.nix.NixFailure failure) {
            return dev.inchworm.api.strategy.Proposal.pass("no");
        }
    }

    @Test
    void aPlanWaitsForTheRunThatHoldsTheLock() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        // a plan checks revisions out where the running upgrade evaluates: it must not run beside it
        try (var held = dev.inchworm.runtime.journal.HostLock.acquire(state)) {
            org.junit.jupiter.api.Assertions.assertThrows(dev.inchworm.runtime.journal.LockHeldException.class,
                    () -> f.engine().plan(new UpgradeRequest(Optional.empty(), Optional.empty()), Progress.QUIET));
        }
        assertFalse(f.engine().plan(new UpgradeRequest(Optional.empty(), Optional.empty()), Progress.QUIET)
                .alreadyCurrent(), "planned once the lock is free");
    }

    @Test
    void aPlanOfTheCurrentSystemSaysSo() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        Plan plan = f.engine().plan(new UpgradeRequest(Optional.of(f.rev1.commit()), Optional.empty()), Progress.QUIET);
        assertTrue(plan.alreadyCurrent());
        assertEquals(List.of(), plan.steps());
    }

    @Test
    void statusShowsTheSystemTheUnfinishedRunAndTheLastReport() {
        EngineFixture f = new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 0));
        HostStatus fresh = f.engine().status();
        assertEquals(1, fresh.current().number());
        assertNull(fresh.revision());
        assertNull(fresh.lastReport());
        assertNull(fresh.unfinishedRun());

        try {
            f.crashingAfter(4).upgrade(new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit())),
                    Progress.QUIET);
        } catch (MemoryNix.SimulatedCrash crashed) {
            f.nix.revive();
        }
        HostStatus interrupted = f.engine().status();
        assertEquals(f.rev2, interrupted.unfinishedRun().target());
        assertTrue(interrupted.unfinishedRun().doing().startsWith("step 1"), interrupted.unfinishedRun().doing());
        assertEquals(1, interrupted.initialGeneration());
        assertEquals(f.rev1, interrupted.revision(), "--from was remembered for the current system");

        f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        HostStatus done = f.engine().status();
        assertNull(done.unfinishedRun());
        assertEquals(f.rev2, done.revision());
        assertEquals(f.sys2.out(), done.lastReport().finalToplevel());
        assertNull(done.lockedBy());
    }
}
