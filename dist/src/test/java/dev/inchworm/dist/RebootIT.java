package dev.inchworm.dist;

import static dev.inchworm.dist.SteppingChecks.leaveFree;
import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.StorePath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The booted system's pin (issue 9) through the assembled CLI over real Nix: the host runs the
 * studio it booted (a blender of 8 MiB and a gimp of 6 MiB, both bumped, no build-only inputs),
 * and has room for one new blender only. Upgrading blender fits; upgrading gimp then needs the
 * old blender gone, which {@code /run/booted-system} (here the kit's link, {@code
 * nix.bootedSystem}) pins until a reboot into the switched step. The reboot command is the test
 * kit's stand-in: it re-points the booted and current system links, as a boot does, and returns;
 * the test runs the CLI again, as the boot's unit or the timer would.
 */
class RebootIT {

    private static final long FREE = 10 * MiB + 512 * KiB;

    @TempDir
    Path tmp;

    private static SandboxRun host(Path work, boolean allowed) throws Exception {
        SandboxRun run = ShedCase.bootedIntoTheStudio(work);
        return reboots(run, allowed);
    }

    private static SandboxRun reboots(SandboxRun run, boolean allowed) {
        return run.profile(p -> p.strategies("full-rebuild", "package-stepping")
                .set("engine", Map.of("reserve", "1MiB")).rebootsWithStandIn(run.host, allowed));
    }

    private static void onTheTarget(SandboxRun run, Dist.Result done, String runId) throws Exception {
        Evaluation target = run.targetEvaluation();
        assertEquals(0, done.code(), done.out() + done.err());
        JsonNode report = run.json(done);
        assertEquals("upgraded", report.get("result").asText(), report.toString());
        assertEquals(runId, report.get("runId").asText(), "the same run went on");
        assertTrue(report.get("reproducible").asBoolean(), report.toString());
        assertEquals(target.toplevel(), run.profileToplevel());
        assertEquals(1, report.get("reboot").get("reboots").asInt(), report.toString());
        assertTrue(run.storeVerifies());
        assertEquals("", run.lockText(), "the lock is free");
    }

    @Test
    void allowedTheRunRebootsOnceIntoTheSwitchedStepAndCompletesAfterTheBoot() throws Exception {
        try (SandboxRun run = host(tmp, true)) {
            leaveFree(run, FREE);
            StorePath initial = run.initial.toplevel();
            assertEquals(Optional.of(initial), run.host.bootedSystem(), "the booted system pins the studio");

            Dist.Result first = run.upgrade();

            assertEquals(6, first.code(), "exit 6: rebooting to continue: " + first.out() + first.err());
            JsonNode waiting = run.json(first);
            assertEquals("rebooting", waiting.get("result").asText(), waiting.toString());
            StorePath step = run.profileToplevel();
            assertFalse(step.equals(initial), "one step was switched");
            assertEquals(List.of(step), run.host.reboots(), "rebooted into the switched step, by the command");
            assertEquals(Optional.of(step), run.host.bootedSystem());
            assertTrue(waiting.get("reboot").get("freesBytes").asLong() >= ShedCase.BLENDER / 2, waiting.toString());
            assertTrue(Files.readString(run.stateDir().resolve("journal.json")).contains("AWAITING_REBOOT"));

            Dist.Result after = run.upgrade();

            onTheTarget(run, after, waiting.get("runId").asText());
            assertEquals(1, run.host.reboots().size(), "one reboot for the one step that needed it");
        }
    }

    @Test
    void notAllowedTheRunPausesOnASwitchedSystemAndALaterAllowedRunCompletes() throws Exception {
        try (SandboxRun run = host(tmp, false)) {
            leaveFree(run, FREE);
            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());

            Dist.Result paused = run.upgrade();

            assertEquals(0, paused.code(), paused.out() + paused.err());
            JsonNode report = run.json(paused);
            assertEquals("paused", report.get("result").asText(), report.toString());
            StorePath step = run.profileToplevel();
            assertFalse(step.equals(run.initial.toplevel()), "stopped on the intermediate step");
            assertEquals(Optional.of(step), run.host.currentSystem(), "switched: a working system");
            assertEquals(List.of(), run.host.reboots(), "no reboot command ran");
            JsonNode reboot = report.get("reboot");
            assertTrue(reboot.get("freesBytes").asLong() >= ShedCase.BLENDER / 2, reboot.toString());
            assertTrue(reboot.get("why").asText().contains("engine.reboot.allowed is false"), reboot.toString());
            // before pausing, the plain rebuild was tried once from the switched step: out of disk
            JsonNode last = report.get("steps").get(report.get("steps").size() - 1);
            assertEquals("last-try", last.get("strategy").asText(), report.get("steps").toString());
            assertEquals("out-of-disk", last.get("outcome").asText(), last.toString());
            Dist.Result status = run.inchworm(Map.of(), "status", "--profile", run.profile.toString());
            assertTrue(status.out().contains("awaiting a reboot"), status.out());
            // what each pin holds: before the run, the booted (and current) studio holds both old
            // packages the target does not need; paused, the booted studio holds the old blender
            assertEquals(0, plan.code(), plan.out() + plan.err());
            assertTrue(plan.out().contains("pin: the booted system and the current system (generation 1) "
                    + run.initial.toplevel().name() + " pins 14."), plan.out());
            assertTrue(status.out().contains("pin: the booted system") && status.out().contains(
                    run.initial.toplevel().name() + " pins 8.") && status.out().contains(
                    "a reboot into the new system frees it"), status.out());

            reboots(run, true);
            Dist.Result rebooting = run.upgrade();
            assertEquals(6, rebooting.code(), rebooting.out() + rebooting.err());
            assertEquals(List.of(step), run.host.reboots());
            Dist.Result done = run.upgrade();

            onTheTarget(run, done, report.get("runId").asText());
        }
    }

    /**
     * SIGKILL after each journal write around the reboot, each on a fresh host: of the run that
     * reboots, from the end of the step it reboots into (its last phases, "awaiting reboot"
     * written before the command, the command's return after it), and of the first run after
     * the boot until it has taken the run over and begun its next step (the wait read, what the
     * boot unpinned collected, the step planned). The writes before and after those are a
     * stepping run's own, which {@code CrashIT} and {@code PackageSteppingIT} kill at one by one.
     * The runs that follow, as the boot's unit and the timer would start them, end on the target
     * (or, had the kill made the run fail, on the initial system), the store verifies, the lock
     * is free, and no step is rebooted into twice. Which write is which comes from a first run
     * with the journal's debug log on.
     */
    @Test
    void killedAfterAnyJournalWriteAroundTheRebootTheNextRunsEndOnTheTargetOrTheInitialSystem() throws Exception {
        List<String> rebooting = writes("probe-reboot", false);
        List<String> booted = writes("probe-booted", true);
        int awaiting = indexOf(rebooting, " AWAITING_REBOOT");
        int stepping = indexOf(booted, ", step ");
        assertTrue(awaiting > 3, "the run that reboots journals its step, then the wait: " + rebooting);
        assertTrue(booted.get(0).contains(" AWAITING_REBOOT") && stepping > 1,
                "the run after the boot takes the wait over first: " + booted);

        int before = killAt("reboot", false, awaiting - 3, rebooting.size());
        int after = killAt("booted", true, 1, stepping);

        System.out.println("RebootIT: killed at journal writes " + (awaiting - 3) + " to " + rebooting.size()
                + " of the run that reboots and 1 to " + stepping + " of the first run after the boot");
        assertEquals(rebooting.size() - awaiting + 4, before);
        assertEquals(stepping, after);
    }

    /** The journal writes of the run that reboots (or of the first run after the boot), from its debug log. */
    private List<String> writes(String name, boolean afterTheBoot) throws Exception {
        try (SandboxRun run = host(Files.createDirectories(tmp.resolve(name)), true)) {
            leaveFree(run, FREE);
            if (afterTheBoot) {
                assertEquals(6, run.upgrade().code(), "the first run reboots");
            }
            return KillLoop.writesOf(run);
        }
    }

    /** The number of the first write whose line contains {@code text} (writes count from 1). */
    private static int indexOf(List<String> writes, String text) {
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("'" + text + "' is never written: " + writes);
    }

    /** Kills at writes {@code first} to {@code last}, two fresh hosts at a time; the number killed at. */
    private int killAt(String name, boolean afterTheBoot, int first, int last) throws Exception {
        return KillLoop.each(first, last, n -> killedAndEndedWell(name, n, afterTheBoot));
    }

    /** One trial: false when the run ended before write {@code n}. */
    private boolean killedAndEndedWell(String name, int n, boolean afterTheBoot) throws Exception {
        try (SandboxRun run = host(Files.createDirectories(tmp.resolve(name + "-" + n)), true)) {
            leaveFree(run, FREE);
            if (afterTheBoot) {
                assertEquals(6, run.upgrade().code(), "the first run reboots");
            }
            if (!run.upgradeKilledAfterWrite(n)) {
                return false;
            }
            endsWell(run, "killed after journal write " + n + (afterTheBoot ? " of the first run after the boot: "
                    : " of the run that reboots: "));
            return true;
        }
    }

    /** Runs {@code inchworm upgrade} as the boot's unit and the timer would, until it no longer reboots. */
    private static void endsWell(SandboxRun run, String where) throws Exception {
        Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
        if (next.code() == 2 && next.err().contains("--from")) {
            next = run.upgrade(); // killed before the run was journalled: a new run
        }
        for (int runs = 0; next.code() == 6 && runs < 3; runs++) {
            next = run.upgrade();
        }
        StorePath now = run.profileToplevel();
        if (next.code() == 0) {
            assertEquals(run.targetEvaluation().toplevel(), now, where + next.out() + next.err());
            assertTrue(run.json(next).get("reproducible").asBoolean(), where + next.out());
        } else {
            assertEquals(3, next.code(), where + next.out() + next.err());
            assertEquals(run.initial.toplevel(), now, where + next.out());
        }
        assertTrue(run.host.reboots().size() <= 1, where + "rebooted " + run.host.reboots());
        assertTrue(run.storeVerifies(), where + "the store verifies");
        assertEquals("", run.lockText(), where + "the lock is free");
    }
}
