package dev.inchworm.runtime.engine;

import static dev.inchworm.runtime.engine.EngineFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.UpgradeStrategy;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.config.RebootConfig;
import dev.inchworm.runtime.config.RebootWindow;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.RunPhase;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine.reboot: a step that fits only once the booted system's pin is gone. */
class RebootTest {

    static final List<String> COMMAND = List.of("reboot-stand-in", "--now");

    @TempDir(factory = MemoryTempDir.class)
    Path state;

    /**
     * Walks initial -> half -> target; a step from a system the host did not boot fits only when
     * neither the booted system nor the initial generation pins the initial system's versions.
     */
    static final class PinAware implements UpgradeStrategy<NoSettings> {
        private final List<MemoryNix.Drv> systems;
        final List<String> asked = new ArrayList<>();
        /** True: it plans the whole walk up front, so it passes from the booted system already. */
        boolean wholePlan;

        PinAware(List<MemoryNix.Drv> systems) {
            this.systems = systems;
        }

        @Override
        public String id() {
            return "pin-aware";
        }

        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public Proposal propose(StrategyContext<NoSettings> context) {
            StorePath current = context.current().toplevel();
            asked.add(current.name() + " booted " + context.keepsBootedSystem() + " initial "
                    + context.keepsInitialGeneration());
            int at = -1;
            for (int i = 0; i < systems.size(); i++) {
                if (systems.get(i).out().equals(current)) {
                    at = i;
                }
            }
            if (at + 1 >= systems.size()) {
                return Proposal.pass("nothing left to walk");
            }
            StorePath initial = systems.get(0).out();
            boolean bootedPins = context.keepsBootedSystem() && context.host().nix().bootedSystem()
                    .filter(b -> b.equals(initial)).isPresent();
            boolean generationPins = context.keepsInitialGeneration() && context.host().nix().generations().stream()
                    .anyMatch(g -> g.toplevel().equals(initial));
            if ((wholePlan || !current.equals(initial)) && (bootedPins || generationPins)) {
                return Proposal.pass("the old versions of " + initial.name() + " leave no room");
            }
            MemoryNix.Drv next = systems.get(at + 1);
            return Proposal.next(new Step("to " + next.out().name(), next.drv(), next.out(), next.size(), List.of(),
                    Optional.empty()));
        }

        @Override
        public Proposal afterFailure(StrategyContext<NoSettings> context, Step failed, NixFailure failure) {
            return Proposal.pass("no smaller step");
        }
    }

    private final List<List<String>> ran = new ArrayList<>();

    private EngineFixture world(RebootConfig reboot) {
        return world(state, reboot);
    }

    private EngineFixture world(Path stateDir, RebootConfig reboot) {
        EngineFixture f = new EngineFixture(stateDir, 100 * MIB);
        MemoryNix.Drv half = f.nix.system("1.5", f.app2, f.lib2);
        f.nix.boot(f.sys1.out());
        f.strategy(new PinAware(List.of(f.sys1, half, f.sys2)));
        // Without the last try: these are the reboot's decisions (the last try before a pause
        // has a test of its own).
        f.config = new EngineConfig(MIB, EngineConfig.Interrupted.RESUME).withReboot(reboot).withLastTry(false);
        f.commands = command -> {
            ran.add(command.argv());
            f.nix.reboot();
            return new CommandResult(command.argv(), 0, "", List.of(), false, false, Duration.ZERO, Optional.empty());
        };
        return f;
    }

    private static RebootConfig allowed() {
        return new RebootConfig(true, Optional.empty(), COMMAND);
    }

    private static UpgradeRequest request(EngineFixture f) {
        return new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit()));
    }

    private static Clock at(String time) {
        return Clock.fixed(Instant.parse("2026-12-02T" + time + ":00Z"), ZoneOffset.UTC);
    }

    @Test
    void allowedTheRunRebootsIntoTheSwitchedStepAndGoesOnAfterTheBoot() {
        EngineFixture f = world(allowed());
        RunReport first = f.engine().upgrade(request(f), Progress.QUIET);

        assertEquals(RunResult.REBOOTING, first.result());
        assertEquals(List.of(COMMAND), ran, "the profile's command, as an argument list");
        RunRecord waiting = Journal.read(state).orElseThrow();
        assertEquals(RunPhase.AWAITING_REBOOT, waiting.phase(), "journalled before the command");
        assertTrue(waiting.rebootWait().orElseThrow().requested(), "the command returned");
        assertTrue(waiting.initialReleased().isPresent(), "the initial generation pins it too: released");
        StorePath half = waiting.doneSteps().get(0).toplevel();
        assertEquals(half, waiting.rebootWait().orElseThrow().into());
        assertEquals(half, f.nix.currentToplevel(), "the switched step is the profile's default entry");
        assertTrue(first.reboot().freesBytes() >= 30 * MIB, "app 1 and lib 1: " + first.reboot().freesBytes());

        RunReport second = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, second.result(), String.valueOf(second.failure()));
        assertEquals(first.runId(), second.runId(), "the same run went on");
        assertTrue(second.reproducible());
        assertEquals(1, second.reboot().reboots());
        assertEquals(List.of(half), f.nix.reboots, "one reboot, into the step that needed it");
        assertEquals(List.of(half, f.sys2.out()), f.nix.generations().stream().map(Generation::toplevel).toList(),
                "the initial generation went after the boot; the booted step's stays while it is booted");
        assertFalse(f.nix.validPaths().contains(f.app1.out()), "the old versions were collected");
    }

    @Test
    void aPlanThatFitsOnlyWithARebootLaterTakesItsFirstStepFromTheBootedSystem() {
        EngineFixture f = world(allowed());
        ((PinAware) f.strategies.get(0).extension()).wholePlan = true;
        RunReport first = f.engine().upgrade(request(f), Progress.QUIET);

        assertEquals(RunResult.REBOOTING, first.result(), String.valueOf(first.failure()));
        assertEquals(1, first.steps().size(), "the first step from the booted system, then the reboot");
        RunReport done = untilSettled(f, first);
        assertEquals(RunResult.UPGRADED, done.result(), String.valueOf(done.failure()));
        assertEquals(1, f.nix.reboots.size());
    }

    @Test
    void notAllowedTheRunPausesOnTheSwitchedStepAndALaterAllowedRunCompletes() {
        EngineFixture f = world(RebootConfig.defaults());
        RunReport paused = f.engine().upgrade(request(f), Progress.QUIET);

        assertEquals(RunResult.PAUSED, paused.result());
        assertEquals(List.of(), ran, "no command run");
        assertTrue(paused.reboot().why().contains("engine.reboot.allowed is false"), paused.reboot().why());
        assertTrue(paused.reboot().freesBytes() >= 30 * MIB, String.valueOf(paused.reboot().freesBytes()));
        StorePath half = Journal.read(state).orElseThrow().doneSteps().get(0).toplevel();
        assertEquals(half, f.nix.currentToplevel(), "stopped on a switched intermediate");
        assertEquals("switch " + half.name(), f.nix.activations.get(f.nix.activations.size() - 1));

        RunReport again = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.PAUSED, again.result(), "still not allowed: paused again, the same run");
        assertEquals(paused.runId(), again.runId());

        f.config = f.config.withReboot(allowed());
        assertEquals(RunResult.REBOOTING, f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET).result());
        RunReport done = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.UPGRADED, done.result());
        assertEquals(paused.runId(), done.runId());
        assertEquals(1, f.nix.reboots.size());
    }

    @Test
    void beforePausingForARebootItMayNotTakeTheRunTriesThePlainRebuildOnce() {
        EngineFixture f = world(RebootConfig.defaults());
        f.config = f.config.withLastTry(true);
        RunReport fits = f.engine().upgrade(request(f), Progress.QUIET);

        assertEquals(RunResult.UPGRADED, fits.result(), String.valueOf(fits.failure()));
        assertEquals(f.sys2.out(), f.nix.currentToplevel());
        assertEquals(List.of(), ran, "no reboot");
        assertEquals("last-try", fits.steps().get(fits.steps().size() - 1).strategy());

        // Where the plain rebuild fails to build (not for want of disk), a reboot would not
        // help: the run fails and rolls back instead of pausing.
        EngineFixture g = world(state.resolve("failing"), RebootConfig.defaults());
        g.config = g.config.withLastTry(true);
        g.nix.failBuildOf(g.sys2);
        RunReport failed = g.engine().upgrade(request(g), Progress.QUIET);

        assertEquals(RunResult.ROLLED_BACK, failed.result(), String.valueOf(failed.failure()));
        assertEquals("last-try", failed.steps().get(failed.steps().size() - 1).strategy());
        assertEquals(g.sys1.out(), g.nix.currentToplevel());
    }

    @Test
    void anAdminsOwnRebootOfAPausedRunIsTakenAsTheReboot() {
        EngineFixture f = world(RebootConfig.defaults());
        assertEquals(RunResult.PAUSED, f.engine().upgrade(request(f), Progress.QUIET).result());
        f.nix.reboot();

        RunReport done = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.UPGRADED, done.result());
        assertEquals(1, done.reboot().reboots());
    }

    @Test
    void outsideTheWindowTheRunPausesAndInsideItReboots() {
        RebootConfig window = new RebootConfig(true, Optional.of(new RebootWindow(LocalTime.of(1, 0),
                LocalTime.of(5, 0))), COMMAND);
        EngineFixture f = world(window);
        f.clock = at("12:00");
        RunReport paused = f.engine().upgrade(request(f), Progress.QUIET);
        assertEquals(RunResult.PAUSED, paused.result());
        assertTrue(paused.reboot().why().contains("outside engine.reboot.window 01:00-05:00"), paused.reboot().why());
        assertEquals(List.of(), ran);

        f.clock = at("03:30");
        assertEquals(RunResult.REBOOTING, f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET).result());
        assertEquals(RunResult.UPGRADED, f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET).result());
    }

    @Test
    void aBootThatFellBackIsRolledBackWhenTheProfileSaysSo() {
        EngineFixture f = world(allowed());
        f.config = new EngineConfig(MIB, EngineConfig.Interrupted.ROLLBACK).withReboot(allowed());
        f.commands = command -> {
            f.nix.boot(f.sys1.out()); // the boot fell back to the initial system's entry
            return new CommandResult(command.argv(), 0, "", List.of(), false, false, Duration.ZERO, Optional.empty());
        };
        assertEquals(RunResult.REBOOTING, f.engine().upgrade(request(f), Progress.QUIET).result());

        RunReport after = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.ROLLED_BACK, after.result());
        assertTrue(after.failure().reason().contains("did the boot fall back?"), after.failure().reason());
        assertEquals(f.sys1.out(), f.nix.currentToplevel());
    }

    @Test
    void aBootThatFellBackIsResumedFromThereWithoutASecondReboot() {
        EngineFixture f = world(allowed());
        f.commands = command -> {
            ran.add(command.argv());
            f.nix.boot(f.sys1.out());
            return new CommandResult(command.argv(), 0, "", List.of(), false, false, Duration.ZERO, Optional.empty());
        };
        assertEquals(RunResult.REBOOTING, f.engine().upgrade(request(f), Progress.QUIET).result());

        RunReport after = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        assertEquals(RunResult.PAUSED, after.result(), "it would fall back again: paused, said why");
        assertTrue(after.reboot().why().contains("came back into another system"), after.reboot().why());
        assertEquals(f.sys1.out().path(), after.reboot().fellBack());
        assertEquals(1, ran.size(), "no second reboot");
    }

    @Test
    void aRebootCommandThatFailsLeavesTheRunPaused() {
        EngineFixture f = world(allowed());
        f.commands = command -> new CommandResult(command.argv(), 1, "", List.of("Failed to reboot"), false, false,
                Duration.ZERO, Optional.empty());
        RunReport report = f.engine().upgrade(request(f), Progress.QUIET);

        assertEquals(RunResult.PAUSED, report.result());
        assertTrue(report.reboot().why().contains("the reboot command failed"), report.reboot().why());
        assertEquals(RunPhase.AWAITING_REBOOT, Journal.read(state).orElseThrow().phase());
    }

    @Test
    void aHostThatBootedItsCurrentSystemNeedsNoReboot() {
        EngineFixture f = world(allowed());
        f.nix.live.clear();
        f.nix.boot(f.sys2.out()); // say, an unrelated system: the strategy is not stopped by the initial one
        f.config = new EngineConfig(MIB, EngineConfig.Interrupted.RESUME, EngineConfig.KeepInitial.NEVER)
                .withReboot(allowed());
        RunReport report = f.engine().upgrade(request(f), Progress.QUIET);
        assertEquals(RunResult.UPGRADED, report.result(), String.valueOf(report.failure()));
        assertEquals(List.of(), ran);
    }

    /** The runs a timer would make: again while the last one rebooted; the last report. */
    private static RunReport untilSettled(EngineFixture f, RunReport report) {
        for (int i = 0; i < 5 && report.result() == RunResult.REBOOTING; i++) {
            report = f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET);
        }
        return report;
    }

    /**
     * Kills the process right after its n-th journal write, for every n: the first run
     * ({@code process} 0), or the first run after the boot ({@code process} 1). Every trial
     * ends on the target, with no more than one reboot, nothing left rooted, the lock free.
     */
    private int crashAtEveryWrite(int process) throws java.io.IOException {
        for (int n = 1; n < 200; n++) {
            ran.clear();
            Path dir = java.nio.file.Files.createDirectories(state.resolve("crash-" + process + "-" + n));
            EngineFixture f = world(dir, allowed());
            RunReport report = null;
            if (process == 1) {
                assertEquals(RunResult.REBOOTING, f.engine().upgrade(request(f), Progress.QUIET).result());
            }
            try {
                report = f.crashingAfter(n).upgrade(process == 1 ? UpgradeRequest.toHead() : request(f), Progress.QUIET);
            } catch (MemoryNix.SimulatedCrash crashed) {
                f.nix.revive();
            }
            boolean crashed = report == null;
            boolean finishedAtCrash = crashed && Journal.read(dir).orElseThrow().finished();
            report = untilSettled(f, crashed ? f.engine().upgrade(UpgradeRequest.toHead(), Progress.QUIET) : report);
            String where = "process " + process + ", crash after write " + n + ": ";
            // A crash after the closing write: the next run starts afresh at the target.
            assertEquals(finishedAtCrash ? RunResult.ALREADY_CURRENT : RunResult.UPGRADED, report.result(),
                    where + report.failure());
            assertEquals(f.sys2.out(), f.nix.currentToplevel(), where);
            assertTrue(f.nix.reboots.size() <= 1, where + "reboots " + f.nix.reboots);
            RunRecord end = Journal.read(dir).orElseThrow();
            assertEquals(RunPhase.FINISHED, end.phase(), where);
            assertTrue(dev.inchworm.runtime.journal.HostLock.holder(dir).isEmpty(), where + "the lock is free");
            try (var roots = java.nio.file.Files.list(java.nio.file.Files.createDirectories(dir.resolve("gcroots")))) {
                assertEquals(0, roots.filter(r -> !r.getFileName().toString().equals("before-last-run.drv")).count(),
                        where + "no run root left");
            }
            if (!crashed) {
                return n - 1;
            }
        }
        throw new AssertionError("the run never completed without crashing");
    }

    @Test
    void killedAtEveryJournalWriteOfTheRunThatRebootsItEndsOnTheTarget() throws java.io.IOException {
        int writes = crashAtEveryWrite(0);
        assertTrue(writes >= 10, "every transition, the reboot's among them: " + writes);
    }

    @Test
    void killedAtEveryJournalWriteOfTheFirstRunAfterTheBootItEndsOnTheTarget() throws java.io.IOException {
        int writes = crashAtEveryWrite(1);
        assertTrue(writes >= 5, "every transition after the boot: " + writes);
    }
}
