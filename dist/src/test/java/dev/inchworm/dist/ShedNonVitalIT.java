package dev.inchworm.dist;

import static dev.inchworm.dist.SteppingChecks.leaveFree;
import static dev.inchworm.dist.SteppingChecks.rolledBack;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.SandboxHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shed-non-vital} through the assembled CLI over real Nix: a vital blender (8 MiB) and
 * a non-vital gimp (6 MiB) are both bumped on a disk with 5 MiB free. The new blender alone
 * does not fit beside the old one and the old gimp, so {@code [full-rebuild, package-stepping]}
 * rolls back; with {@code shed-non-vital} the run sheds gimp (the old one is collected), upgrades
 * blender, and adds gimp back upgraded, ending on the exact target.
 *
 * <p>The host was booted into an older system without either package and switched since (the
 * profile's {@code nix.bootedSystem} points at the kit's booted-system link), so the booted
 * system does not pin the old gimp; the engine releases the initial generation
 * ({@code engine.keepInitial: auto}) because shedding frees nothing while it is kept.
 */
class ShedNonVitalIT {

    private static final long FREE = 5 * MiB;

    @TempDir
    Path tmp;

    private static SandboxRun host(Path work, UnaryOperator<PackageSet> target) throws Exception {
        return ShedCase.host(SandboxHost.builder().tmpfs(64), work, target);
    }

    private static UnaryOperator<PackageSet> bumpBoth() {
        return ShedCase.bumpBoth();
    }

    private static SandboxRun profile(SandboxRun run, List<String> nonVital, String... strategies) {
        return ShedCase.profile(run, nonVital, strategies);
    }

    /** The output paths in {@code toplevel}'s closure whose name is {@code name}. */
    private static List<StorePath> named(SandboxRun run, StorePath toplevel, String name) {
        List<StorePath> found = new ArrayList<>();
        for (String line : run.host.run("nix-store", "--query", "--requisites", toplevel.path()).requireOk().lines()) {
            StorePath path = StorePath.of(line.strip());
            if (path.name().equals(name)) {
                found.add(path);
            }
        }
        return found;
    }

    @Test
    void steppingAloneRollsBackAndSheddingGimpEndsOnTheTargetWithGimpBackUpgraded() throws Exception {
        try (SandboxRun run = host(tmp, bumpBoth())) {
            StorePath oldGimp = named(run, run.initial.toplevel(), "gimp-2.10").get(0);
            leaveFree(run, FREE);
            long disk = run.host.sizeBytes();

            profile(run, List.of("gimp"), "full-rebuild", "package-stepping");
            Dist.Result stepping = run.upgrade();
            JsonNode failed = rolledBack(run, stepping);
            assertTrue(failed.get("failure").get("reason").asText().contains("package-stepping: unit ")
                    && failed.get("failure").get("reason").asText().contains("cannot fit even alone"), failed.toString());

            profile(run, List.of("gimp"), "full-rebuild", "package-stepping", "shed-non-vital");
            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());
            Dist.Result r = run.upgrade();

            assertEquals(0, plan.code(), plan.out() + plan.err());
            assertTrue(plan.out().contains("shed gimp 2.10 (frees about 6.0 MiB; added back upgraded in the last step)")
                    && plan.out().contains("upgrade the rest while gimp is shed")
                    && plan.out().contains("add back gimp, upgraded: reach the target"), plan.out());
            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            Evaluation target = run.targetEvaluation();
            assertEquals("upgraded", report.get("result").asText(), report.toString());
            assertTrue(report.get("reproducible").asBoolean(), report.toString());
            assertEquals(target.toplevel().path(), report.get("finalToplevel").asText());
            assertEquals(target.toplevel(), run.profileToplevel());
            assertTrue(report.get("peakStoreBytes").asLong() < disk, report.toString());
            assertEquals(List.of("shed gimp 2.10 (frees about 6.0 MiB; added back upgraded in the last step)",
                    "upgrade the rest while gimp is shed", "add back gimp, upgraded: reach the target"),
                    SteppingChecks.doneDescriptions(report));
            assertEquals(1, named(run, target.toplevel(), "gimp-2.11").size(), "gimp is back, upgraded");
            assertEquals(1, named(run, target.toplevel(), "blender-4.2").size());
            assertFalse(run.host.exists(oldGimp), "the old gimp was collected");
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aFailureAfterSheddingRollsBackToTheInitialSystemWithGimpThere() throws Exception {
        try (SandboxRun run = host(tmp, p -> bumpBoth().apply(p).breakBuild("blender"))) {
            StorePath oldGimp = named(run, run.initial.toplevel(), "gimp-2.10").get(0);
            leaveFree(run, FREE);
            profile(run, List.of("gimp"), "full-rebuild", "package-stepping", "shed-non-vital");

            JsonNode report = rolledBack(run, run.upgrade());

            assertTrue(SteppingChecks.doneDescriptions(report).get(0).startsWith("shed gimp 2.10"), report.toString());
            assertTrue(report.get("failure").get("reason").asText().contains("blender"), report.toString());
            assertTrue(run.host.exists(oldGimp), "gimp is there again");
            assertEquals(run.initial.toplevel(), run.host.currentSystem().orElseThrow());
        }
    }

    @Test
    void whenTheBootedSystemPinsGimpAndRebootsAreNotAllowedTheRunPausesOnTheShedSystemSayingWhy() throws Exception {
        try (SandboxRun run = ShedCase.bootedIntoTheStudio(tmp)) {
            StorePath oldGimp = named(run, run.initial.toplevel(), "gimp-2.10").get(0);
            leaveFree(run, FREE);
            profile(run, List.of("gimp"), "full-rebuild", "package-stepping", "shed-non-vital");

            Dist.Result r = run.upgrade();

            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("paused", report.get("result").asText(), report.toString());
            String why = report.get("reboot").get("why").asText();
            assertTrue(why.contains("the shed units' old outputs are still in the store after the shed step (gimp-2.10)")
                    && why.contains("engine.reboot.allowed is false"), why);
            assertTrue(report.get("reboot").get("freesBytes").asLong() >= ShedCase.GIMP, report.toString());
            assertTrue(named(run, run.profileToplevel(), "gimp-2.10").isEmpty(), "paused on the shed system");
            assertEquals(Optional.of(run.profileToplevel()), run.host.currentSystem(), "switched");
            assertTrue(run.host.exists(oldGimp), "the booted system still holds the old gimp");
        }
    }

    @Test
    void whenTheBootedSystemPinsGimpAndRebootsAreAllowedTheRunRebootsIntoTheShedSystemAndCompletes()
            throws Exception {
        try (SandboxRun run = ShedCase.bootedIntoTheStudio(tmp)) {
            StorePath oldGimp = named(run, run.initial.toplevel(), "gimp-2.10").get(0);
            leaveFree(run, FREE);
            run.profile(p -> p.strategies("full-rebuild", "package-stepping", "shed-non-vital")
                    .set("nonVital", List.of("gimp")).set("engine", Map.of("reserve", "1MiB"))
                    .rebootsWithStandIn(run.host, true));

            Dist.Result first = run.upgrade();
            assertEquals(6, first.code(), "rebooting to continue: " + first.out() + first.err());
            Dist.Result done = run.upgrade();
            for (int runs = 0; done.code() == 6 && runs < 3; runs++) {
                done = run.upgrade(); // the boot's unit, after each reboot
            }
            List<StorePath> reboots = run.host.reboots();
            assertEquals("upgraded", run.json(done).get("result").asText(), done.out() + done.err());

            // one reboot into the shed system (frees the old gimp), one into the upgraded rest
            // (frees the old blender the shed system still held): one per step that needs it
            assertEquals(2, reboots.size(), reboots.toString());
            assertFalse(reboots.contains(run.initial.toplevel()) || reboots.contains(run.targetEvaluation().toplevel()),
                    "rebooted into the two intermediate systems: " + reboots);
            assertFalse(run.host.exists(reboots.get(0)), "the shed system was collected once the host left it");
            assertEquals(0, done.code(), done.out() + done.err());
            JsonNode report = run.json(done);
            assertEquals("upgraded", report.get("result").asText(), report.toString());
            assertTrue(report.get("reproducible").asBoolean(), report.toString());
            assertEquals(2, report.get("reboot").get("reboots").asInt(), report.toString());
            Evaluation target = run.targetEvaluation();
            assertEquals(target.toplevel(), run.profileToplevel());
            assertEquals(1, named(run, target.toplevel(), "gimp-2.11").size(), "gimp is back, upgraded");
            assertFalse(run.host.exists(oldGimp), "the old gimp was collected after the reboot");
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void anUnknownNameIsAConfigurationErrorNamingWhereItStandsAndTheClosestUnits() throws Exception {
        try (SandboxRun run = host(tmp, bumpBoth())) {
            profile(run, List.of("gimpp"), "full-rebuild", "package-stepping", "shed-non-vital");
            Pattern where = Pattern.compile(Pattern.quote(run.profile.toString())
                    + ":[0-9]+:[0-9]+: nonVital: 'gimpp' is no unit of the current system or the target "
                    + "\\(names as inchworm plan shows units\\); closest: gimp, ");

            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());
            Dist.Result up = run.upgrade();

            assertEquals(2, plan.code(), plan.out() + plan.err());
            assertTrue(where.matcher(plan.err()).find(), plan.err());
            JsonNode report = rolledBack(run, up);
            assertTrue(where.matcher(report.get("failure").get("reason").asText()).find(), report.toString());
            assertEquals(0, report.get("steps").size(), "nothing was done: " + report);
        }
    }

    /**
     * SIGKILL after every journal write of a shedding run in turn (the strategy's notes, each
     * step's phases, the release of the initial generation), each on a fresh host: the next
     * {@code inchworm upgrade} takes the run over and ends on the target (or, had the kill made
     * the run fail, back on the initial system), the store verifies, and the lock is free (the
     * next run got it). The loop ends at the first write the run does not reach.
     */
    /**
     * SIGKILL after each write where the shedding run decides (the strategy's notes, the release
     * of the initial generation, each of its three steps planned, the run's end), each on a fresh
     * host, found from a first run's journal debug log; the phases within a step are a stepping
     * run's own, which {@code CrashIT} kills at one by one. The next {@code inchworm upgrade}
     * takes the run over and ends on the target (or, had the kill made the run fail, back on the
     * initial system), the store verifies.
     */
    @Test
    void aSheddingRunKilledAfterAnyJournalWriteIsTakenOverAndEndsOnTheTarget() throws Exception {
        List<String> writes;
        try (SandboxRun probe = host(Files.createDirectories(tmp.resolve("probe")), bumpBoth())) {
            leaveFree(probe, FREE);
            profile(probe, List.of("gimp"), "full-rebuild", "package-stepping", "shed-non-vital");
            writes = KillLoop.writesOf(probe);
        }
        List<Integer> decisions = KillLoop.decisions(writes);
        assertTrue(writes.size() >= 20 && decisions.size() >= 6, "a shedding run makes many journal writes: " + writes);

        // One at a time: shedding reaches the target only if each step's collection frees the
        // old versions, which another trial's builder of the same paths would pin (KillLoop.each).
        int killed = KillLoop.each(decisions, this::killedAndTakenOver, 1);

        System.out.println("ShedNonVitalIT: killed at writes " + decisions + " of " + writes.size());
        assertEquals(decisions.size(), killed);
    }

    /** Killed after write {@code n} on a fresh host, then taken over; false when the run ended first. */
    private boolean killedAndTakenOver(int n) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("kill-" + n));
        try (SandboxRun run = host(work, bumpBoth())) {
            leaveFree(run, FREE);
            profile(run, List.of("gimp"), "full-rebuild", "package-stepping", "shed-non-vital");
            String where = "killed after journal write " + n + ": ";
            if (!run.upgradeKilledAfterWrite(n)) {
                return false;
            }
            Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            if (next.code() == 2 && next.err().contains("--from")) {
                next = run.upgrade(); // killed before the run was journalled: a new run
            }
            Evaluation target = run.targetEvaluation();
            if (next.code() == 0) {
                assertEquals(target.toplevel(), run.profileToplevel(), where + next.out());
                assertTrue(run.json(next).get("reproducible").asBoolean(), where + next.out());
            } else {
                assertEquals(3, next.code(), where + next.out() + next.err());
                assertEquals(run.initial.toplevel(), run.profileToplevel(), where + next.out());
            }
            assertTrue(run.storeVerifies(), where);
            return true;
        }
    }
}
