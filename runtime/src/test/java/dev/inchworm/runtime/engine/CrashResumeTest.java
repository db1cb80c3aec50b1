package dev.inchworm.runtime.engine;

import dev.inchworm.testkit.MemoryNix;

import static dev.inchworm.runtime.engine.EngineFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.journal.HostLock;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.RunPhase;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety with the fake host: the process "dies" right after each journal write in turn
 * (the fake store refuses all further work, as a dead process does none), then a fresh engine
 * takes over. Every transition is tested, not a sample: the loop runs until a run with the
 * crash point set completes without reaching it.
 */
class CrashResumeTest {

    @TempDir(factory = MemoryTempDir.class)
    Path temp;

    /** Runs the scenario crashing after write n, for n = 1, 2, ..., checking the end each time. */
    private int crashAtEveryWrite(Function<Path, EngineFixture> world, Consumer<EngineFixture> checkEnd,
                                  RunResult expected, boolean crashAgainOnResume) throws IOException {
        return crashAtEveryWrite(world, checkEnd, expected, Set.of(expected), crashAgainOnResume);
    }

    private int crashAtEveryWrite(Function<Path, EngineFixture> world, Consumer<EngineFixture> checkEnd,
                                  RunResult expected, Set<RunResult> afterCrash, boolean crashAgainOnResume)
            throws IOException {
        for (int n = 1; ; n++) {
            Path state = Files.createDirectories(temp.resolve("crash-" + n));
            EngineFixture f = world.apply(state);
            UpgradeRequest request = new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit()));
            RunReport report;
            try {
                report = f.crashingAfter(n).upgrade(request, Progress.QUIET);
                assertEquals(expected, report.result(), "no crash: the run ends as without the hook");
                checkEnd.accept(f);
                return n - 1;
            } catch (MemoryNix.SimulatedCrash crashed) {
                f.nix.revive();
            }
            RunRecord interrupted = Journal.read(state).orElseThrow();
            assertTrue(!interrupted.finished() || n >= 2, "write " + n + " left " + interrupted.phase());
            if (crashAgainOnResume) {
                try {
                    f.crashingAfter(1).upgrade(UpgradeRequest.toHead(), Progress.QUIET);
                } catch (MemoryNix.SimulatedCrash crashed) {
                    f.nix.revive();
                }
            }
            report = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
            String where = "after a crash at write " + n + ": ";
            RunRecord end = Journal.read(state).orElseThrow();
            assertEquals(RunPhase.FINISHED, end.phase(), where + end.phase());
            if (report.result() == RunResult.ALREADY_CURRENT) {
                // The crash came after the run finished: the next run started afresh at the target.
                assertTrue(interrupted.finished(), where + "already-current only after a finished run");
            } else {
                assertTrue(afterCrash.contains(report.result()), where + report.result() + " " + report.failure());
            }
            checkEnd.accept(f);
            assertTrue(HostLock.holder(state).isEmpty(), where + "the lock is free");
            assertEquals(List.of(), end.provisioners(), where + "provisioners released");
            for (String id : List.of("swap", "stop-services")) {
                long acquired = f.log.stream().filter(("acquire " + id)::equals).count();
                long released = f.log.stream().filter(("release " + id)::equals).count();
                assertTrue(released >= acquired, where + id + " acquired " + acquired + ", released " + released);
            }
            try (var roots = Files.list(Files.createDirectories(state.resolve("gcroots")))) {
                assertEquals(0, roots.count(), where + "no GC root left");
            }
            if (n > 200) {
                fail("the run never completed without crashing");
            }
        }
    }

    private static EngineFixture plain(Path state) {
        return new EngineFixture(state, 100 * MIB).strategy(new FakeExtensions.Whole("whole", 34 * MIB))
                .provisioner("swap").provisioner("stop-services");
    }

    private static void atTarget(EngineFixture f) {
        assertEquals(f.sys2.out(), f.nix.currentToplevel());
        assertEquals(Set.of(f.sys2.out(), f.app2.out(), f.lib2.out()), f.nix.validPaths());
        assertEquals("switch nixos-system-2", f.nix.activations.get(f.nix.activations.size() - 1));
        assertEquals(1, f.nix.generations().size());
    }

    private static void atInitial(EngineFixture f) {
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
        assertEquals(Set.of(f.sys1.out(), f.app1.out(), f.lib1.out()), f.nix.validPaths());
        assertEquals(1, f.nix.generations().size());
        if (!f.nix.activations.isEmpty()) {
            assertEquals("switch nixos-system-1", f.nix.activations.get(f.nix.activations.size() - 1));
        }
    }

    @Test
    void aPlainUpgradeInterruptedAtAnyTransitionIsResumedToTheTarget() throws IOException {
        int writes = crashAtEveryWrite(CrashResumeTest::plain, CrashResumeTest::atTarget, RunResult.UPGRADED, false);
        assertTrue(writes >= 12, "every transition was written: " + writes);
    }

    @Test
    void aTestUpgradeInterruptedAtAnyTransitionEndsActivatedWithTheProfileLeftAlone() throws IOException {
        int writes = crashAtEveryWrite(state -> {
            EngineFixture f = plain(state);
            f.action = dev.inchworm.api.nix.SwitchAction.TEST;
            return f;
        }, f -> {
            assertEquals(f.sys1.out(), f.nix.currentToplevel(), "the boot default is untouched");
            assertEquals(1, f.nix.generations().size());
            assertEquals("test nixos-system-2", f.nix.activations.get(f.nix.activations.size() - 1));
        }, RunResult.UPGRADED, false);
        assertTrue(writes >= 10, "every transition was written: " + writes);
    }

    @Test
    void aPlainUpgradeInterruptedAtAnyTransitionIsRolledBackWhenTheProfileSaysSo() throws IOException {
        crashAtEveryWrite(state -> {
            EngineFixture f = plain(state);
            f.config = new EngineConfig(MIB, EngineConfig.Interrupted.ROLLBACK);
            return f;
        }, f -> {
            // A crash after the run finished leaves the target; any earlier one, the initial system.
            if (f.nix.currentToplevel().equals(f.sys2.out())) {
                atTarget(f);
            } else {
                atInitial(f);
            }
        }, RunResult.UPGRADED, Set.of(RunResult.UPGRADED, RunResult.ROLLED_BACK), false);
    }

    @Test
    void aSplitUpgradeWithAFailedStepReclaimingAndTwoStepsIsResumedFromAnyTransition() throws IOException {
        Function<Path, EngineFixture> world = state -> {
            EngineFixture f = new EngineFixture(state, 65 * MIB);
            MemoryNix.Drv half = f.nix.system("1.5", f.app1, f.lib1, f.lib2);
            f.strategy(new FakeExtensions.Whole("whole", 0))
                    .strategy(new FakeExtensions.Walk(List.of(f.sys1, half, f.sys2), half))
                    .reclaimer(new FakeExtensions.Gc(f.log))
                    .provisioner("swap");
            MemoryNix.Drv junk = f.nix.pkg("junk", 15 * MIB);
            f.nix.realise(junk.drv(), Optional.empty(), l -> { });
            f.config = new EngineConfig(4 * MIB, EngineConfig.Interrupted.RESUME);
            return f;
        };
        crashAtEveryWrite(world, CrashResumeTest::atTarget, RunResult.UPGRADED, false);
        crashAtEveryWrite(world, CrashResumeTest::atTarget, RunResult.UPGRADED, true);
    }

    @Test
    void aFailingActivationInterruptedAtAnyTransitionEndsOnTheInitialSystem() throws IOException {
        crashAtEveryWrite(state -> {
            EngineFixture f = plain(state);
            f.nix.failActivationOf(f.sys2);
            return f;
        }, CrashResumeTest::atInitial, RunResult.ROLLED_BACK, false);
    }

    @Test
    void aResumedRunKeepsItsStrategysNotes() throws IOException {
        Path state = temp.resolve("notes");
        EngineFixture f = new EngineFixture(state, 100 * MIB);
        MemoryNix.Drv half = f.nix.system("1.5", f.app1, f.lib1, f.lib2);
        f.strategy(new FakeExtensions.Walk(List.of(f.sys1, half, f.sys2), null));
        UpgradeRequest request = new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit()));
        try {
            f.crashingAfter(4).upgrade(request, Progress.QUIET);
            fail("expected a crash");
        } catch (MemoryNix.SimulatedCrash crashed) {
            f.nix.revive();
        }
        assertEquals(Optional.of("1"), Optional.ofNullable(Journal.read(state).orElseThrow().notes()
                .get("strategy:walk")).map(m -> m.get("asked")));
        RunReport report = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.UPGRADED, report.result());
        assertEquals(1, report.resumed());
        StorePath last = report.steps().get(report.steps().size() - 1).toplevel();
        assertEquals(f.sys2.out(), last);
    }
}
