package dev.inchworm.dist;

import static dev.inchworm.dist.SteppingChecks.doneDescriptions;
import static dev.inchworm.dist.SteppingChecks.leaveFree;
import static dev.inchworm.dist.SteppingChecks.plainRebuildRunsOutOfDisk;
import static dev.inchworm.dist.SteppingChecks.rolledBack;
import static dev.inchworm.dist.SteppingChecks.steppedToTarget;
import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inchworm upgrade} with {@code package-stepping}, the assembled CLI as a subprocess
 * over real Nix in a sandbox host: where a disk is too small for the plain rebuild, the plain
 * rebuild alone ({@code [full-rebuild]}) runs on it first and is rolled back, then {@code
 * [full-rebuild, package-stepping]} steps to the exact target on the same disk.
 */
class PackageSteppingIT {

    @TempDir
    Path tmp;

    private static SandboxRun run(Path work, SteppingCases c) throws Exception {
        return new SandboxRun(64, work, c.initial()).target(c.name(), c.change())
                .profile(p -> p.strategies("full-rebuild", "package-stepping"));
    }

    @Test
    void twoBigPackagesStepWhereThePlainRebuildRunsOutOfDiskAndEndOnTheTarget() throws Exception {
        try (SandboxRun run = run(tmp, SteppingCases.twoBig())) {
            // plain: 6 MiB new + 6 MiB of sources; a step: one of each; plus the 1 MiB reserve
            leaveFree(run, 10 * MiB + 512 * KiB);
            long disk = run.host.sizeBytes();
            plainRebuildRunsOutOfDisk(run);

            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());
            Dist.Result r = run.upgrade();

            assertEquals(0, plan.code(), plan.err());
            assertTrue(plan.out().contains("units (package-stepping): 2 changed, 0 added, 0 removed")
                    && plan.out().contains("blender") && plan.out().contains("4.1 -> 4.2")
                    && plan.out().contains("2.10 -> 2.11"), plan.out());
            JsonNode report = steppedToTarget(run, r, disk, 2);
            // full-rebuild hands over: at once when its estimate does not fit, or after running out of disk
            assertEquals("full-rebuild", report.get("passes").get(0).get("strategy").asText(), report.toString());
        }
    }

    @Test
    void fiveLeavesOfMixedSizesStepWhereThePlainRebuildRunsOutOfDisk() throws Exception {
        try (SandboxRun run = run(tmp, SteppingCases.fiveLeaves())) {
            // plain: 10.5 MiB new + 10.5 MiB of sources; one at a time, biggest first: about 11 MiB
            leaveFree(run, 14 * MiB);
            long disk = run.host.sizeBytes();
            plainRebuildRunsOutOfDisk(run);

            steppedToTarget(run, run.upgrade(), disk, 2);
        }
    }

    @Test
    void aLibraryBumpedUnderItsDependentsIsAMassRebuildThatStillSteps() throws Exception {
        try (SandboxRun run = run(tmp, SteppingCases.libraryUnderApps())) {
            // plain: 1 + 9 MiB new + 9 MiB of sources; one app at a time: about 11.5 MiB
            leaveFree(run, 14 * MiB);
            long disk = run.host.sizeBytes();
            plainRebuildRunsOutOfDisk(run);

            JsonNode report = steppedToTarget(run, run.upgrade(), disk, 2);

            // every app is a changed unit (same version, new libc), upgraded in exactly one step
            String steps = String.join("\n", doneDescriptions(report));
            for (char app = 'a'; app <= 'f'; app++) {
                String unit = "app" + app + " 1.0 -> 1.0";
                assertEquals(steps.indexOf(unit), steps.lastIndexOf(unit), steps);
                assertTrue(steps.contains(unit), steps);
            }
        }
    }

    @Test
    void aMultiOutputPackageIsOneUnitWithBothOutputs() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp, PackageSet.typical()
                .add(Package.of("sqlite", "3.45", MiB).withDev(512 * KiB)))
                .target("openssl, sqlite and firefox", pkgs -> pkgs.bump("openssl").bump("sqlite").bump("firefox"))
                .profile(p -> p.strategies().addStrategy("package-stepping", Map.of("maxUnitsPerStep", 1)))) {
            Dist.Result r = run.upgrade();

            JsonNode report = steppedToTarget(run, r, run.host.sizeBytes(), 4);
            // sqlite (out + dev) is a unit; openssl (out + dev) is a library, so its dependents curl
            // and git change; and firefox: four steps of one unit
            List<String> steps = doneDescriptions(report);
            assertEquals(4, steps.size(), steps.toString());
            assertTrue(steps.stream().anyMatch(s -> s.endsWith(": sqlite 3.45 -> 3.46")), steps.toString());
        }
    }

    @Test
    void anAddedAndARemovedPackageGoWithTheFirstStep() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp, PackageSet.typical())
                .target("add, remove, bump", pkgs -> pkgs.add("ripgrep", "14.1", MiB).remove("htop").bump("firefox"))
                .profile(p -> p.strategies().addStrategy("package-stepping", Map.of("maxUnitsPerStep", 1)))) {
            Dist.Result r = run.upgrade();

            JsonNode report = steppedToTarget(run, r, run.host.sizeBytes(), 2);
            String first = doneDescriptions(report).get(0);
            assertTrue(first.contains("add ripgrep 14.1") && first.contains("remove htop"), first);
        }
    }

    @Test
    void aSystemWhoseDerivationsWereCollectedStepsFromItsOutputs() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp, PackageSet.typical())
                .target("bump openssl and firefox", pkgs -> pkgs.bump("openssl").bump("firefox"))
                .profile(p -> p.strategies().addStrategy("package-stepping", Map.of("maxUnitsPerStep", 1)))) {
            // as on a host with keep-derivations = false (or a substituted system): the whole
            // current derivation tree is gone, only its outputs and their recorded derivers stay
            run.host.run("nix-store", "--gc", "--option", "keep-derivations", "false").requireOk();
            assertTrue(!run.host.exists(run.initial.drv()), run.initial.drv() + " should be collected");
            assertTrue(run.host.exists(run.initial.toplevel()));
            long disk = run.host.sizeBytes();

            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());
            Dist.Result r = run.upgrade();

            assertEquals(0, plan.code(), plan.err());
            assertTrue(plan.out().contains("units (package-stepping): 3 changed, 0 added, 0 removed"), plan.out());
            // the plan's later steps mask the same output-only starting system
            assertTrue(plan.out().contains("step 3 (package-stepping): reach the target: firefox"), plan.out());
            // openssl is a library, not a unit: curl and git change with it; and firefox. Each old
            // unit is found by name in the output closure, so each gets a step of its own.
            JsonNode report = steppedToTarget(run, r, disk, 3);
            List<String> steps = doneDescriptions(report);
            assertEquals(3, steps.size(), steps.toString());
            for (String unit : List.of("git 2.44.0 -> 2.44.0", "curl 8.6.0 -> 8.6.0", "firefox 123.0 -> 123.1")) {
                assertEquals(1, steps.stream().filter(s -> s.endsWith(": " + unit)).count(), steps.toString());
            }
        }
    }

    @Test
    void aStepWhoseBuildFailsIsRolledBackToTheInitialSystem() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp, SteppingCases.twoBig().initial())
                .target("blender broken", pkgs -> pkgs.bump("gimp").bump("blender").breakBuild("blender"))
                .profile(p -> p.strategies().addStrategy("package-stepping", Map.of("maxUnitsPerStep", 1)))) {
            Dist.Result r = run.upgrade();

            JsonNode report = rolledBack(run, r);
            JsonNode steps = report.get("steps");
            JsonNode last = steps.get(steps.size() - 1);
            assertEquals("failed", last.get("outcome").asText(), steps.toString());
            assertTrue(last.get("description").asText().contains("blender"), last.toString());
            assertTrue(report.get("failure").get("reason").asText().contains("blender"), report.toString());
        }
    }

    @Test
    void aBinaryCacheGivesTheNewSizesExactly() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp, PackageSet.typical())
                .target("bump firefox", pkgs -> pkgs.bump("firefox", 3 * MiB))) {
            Evaluation target = run.targetEvaluation();
            Path cache = run.host.workDir().resolve("binary-cache");
            run.host.realise(target.drv()).requireOk();
            run.host.run("nix", "copy", "--to", "file://" + cache, target.toplevel().path()).requireOk();
            String firefox = run.host.run("nix-store", "--query", "--requisites", target.toplevel().path()).requireOk()
                    .lines().stream().filter(p -> p.endsWith("-firefox-123.1")).findFirst().orElseThrow();
            long firefoxBytes = Long.parseLong(run.host.run("nix-store", "--query", "--size", firefox).requireOk()
                    .text().trim());
            run.host.run("nix-store", "--gc").requireOk();
            run.profile(p -> p.strategies("package-stepping").nixOption("substituters", "file://" + cache)
                    .nixOption("require-sigs", "false"));

            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit(), "--json");
            Dist.Result r = run.upgrade();

            assertEquals(0, plan.code(), plan.err());
            JsonNode units = run.json(plan).get("units").get(0).get("units");
            assertEquals(1, units.size(), units.toString());
            JsonNode unit = units.get(0);
            assertEquals("firefox 123.0 -> 123.1 new " + firefoxBytes, unit.get("name").asText() + " "
                    + unit.get("oldVersion").asText() + " -> " + unit.get("newVersion").asText() + " new "
                    + unit.get("estimatedNewBytes").asLong(), "the narinfo's NAR size: " + unit);
            JsonNode report = steppedToTarget(run, r, run.host.sizeBytes(), 1);
            // the whole upgrade in one step: the shared estimator's figure, whose fetched term is
            // the narinfo's NAR size of firefox exactly
            JsonNode step = report.get("steps").get(0);
            long fetched = 0;
            long sum = 0;
            for (JsonNode term : step.get("estimateTerms")) {
                sum += term.get("bytes").asLong();
                fetched += term.get("name").asText().equals("fetched") ? term.get("bytes").asLong() : 0;
            }
            assertEquals(firefoxBytes, fetched, report.toString());
            assertEquals(sum, step.get("estimatedBytes").asLong(), report.toString());
        }
    }

    @Test
    void aRunKilledMidwayIsResumedFromWhereTheHostIsAndEndsOnTheTarget() throws Exception {
        // journal writes: within the first stepping steps, and later
        for (int n : new int[] {5, 10}) {
            Path work = Files.createDirectories(tmp.resolve("crash-" + n));
            try (SandboxRun run = run(work, SteppingCases.twoBig())) {
                Evaluation target = run.targetEvaluation();
                leaveFree(run, 10 * MiB + 512 * KiB);
                String where = "killed after journal write " + n + ": ";

                boolean killed = run.upgradeKilledAfterWrite(n);
                Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");

                assertTrue(killed, where + "the run ended first");
                assertEquals(0, next.code(), where + next.out() + next.err());
                assertEquals(target.toplevel(), run.profileToplevel(), where);
                assertTrue(run.json(next).get("reproducible").asBoolean(), where + next.out());
                assertTrue(run.storeVerifies(), where);
            }
        }
    }
}
