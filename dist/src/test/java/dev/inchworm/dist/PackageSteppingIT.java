package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inchworm upgrade} with {@code full-rebuild} then {@code package-stepping}, the
 * assembled CLI as a subprocess over real Nix on a sandbox disk too small for the plain rebuild.
 */
class PackageSteppingIT {

    @TempDir
    Path tmp;

    /** Two big packages built from big sources: a plain rebuild holds both sources at once. */
    private static PackageSet twoBig() {
        return PackageSet.typical()
                .add(Package.of("blender", "4.1", 3 * MiB).withSource(3 * MiB))
                .add(Package.of("gimp", "2.10", 3 * MiB).withSource(3 * MiB));
    }

    /** Collects the install's leftovers and leaves {@code free} bytes (Nix's reserved file counted as used). */
    private static void leaveFree(SandboxRun run, long free) {
        run.host.run("nix-store", "--gc").requireOk();
        run.host.run("nix-store", "--query", "--hash", run.initial.toplevel().path()).requireOk();
        run.host.leaveFree(free);
    }

    @Test
    void twoBigPackagesStepWhereThePlainRebuildRunsOutOfDiskAndEndOnTheTarget() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp, twoBig())
                .target("blender, gimp", pkgs -> pkgs.bump("blender").bump("gimp"))
                .profile(p -> p.strategies("full-rebuild", "package-stepping"))) {
            Evaluation target = run.targetEvaluation();
            // plain: 6 MiB new + 6 MiB of sources; a step: one of each; plus the 1 MiB reserve
            leaveFree(run, 10 * MiB + 512 * KiB);
            long disk = run.host.sizeBytes();

            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());
            Dist.Result r = run.upgrade();

            assertEquals(0, plan.code(), plan.err());
            assertTrue(plan.out().contains("units (package-stepping): 2 changed, 0 added, 0 removed")
                    && plan.out().contains("blender") && plan.out().contains("4.1 -> 4.2")
                    && plan.out().contains("2.10 -> 2.11"), plan.out());
            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("upgraded", report.get("result").asText());
            assertTrue(report.get("reproducible").asBoolean(), report.toString());
            assertEquals(target.toplevel().path(), report.get("finalToplevel").asText());
            assertEquals(target.toplevel(), run.profileToplevel());
            JsonNode steps = report.get("steps");
            // full-rebuild hands over: at once when its estimate does not fit, or after running out of disk
            assertEquals("full-rebuild", report.get("passes").get(0).get("strategy").asText(), report.toString());
            long done = 0;
            for (JsonNode step : steps) {
                if (step.get("outcome").asText().equals("done")) {
                    assertEquals("package-stepping", step.get("strategy").asText(), step.toString());
                    done++;
                }
            }
            assertTrue(done >= 2, steps.toString());
            assertTrue(report.get("peakStoreBytes").asLong() <= disk, report.get("peakStoreBytes") + " > " + disk);
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aStepWhoseBuildFailsIsRolledBackToTheInitialSystem() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp, twoBig())
                .target("blender broken", pkgs -> pkgs.bump("gimp").bump("blender").breakBuild("blender"))
                .profile(p -> p.strategies("package-stepping"))) {
            Dist.Result r = run.upgrade();

            assertEquals(3, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.get("result").asText());
            assertTrue(report.toString().contains("blender"), report.toString());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aMassRebuildOfTheRealApplianceClosureStepsThroughTheEngine() throws Exception {
        PackageSet appliance = PackageSet.fromClosure(PackageSet.applianceClosure(), 40, 40);
        java.util.List<Package> apps = appliance.packages().stream().filter(p -> p.sourceSize() > 0).toList();
        long outputs = apps.stream().mapToLong(Package::size).sum() + appliance.get("glibc").size()
                + appliance.get("base-files").size();
        long sources = apps.stream().mapToLong(Package::sourceSize).sum();
        long biggest = apps.stream().mapToLong(Package::sourceSize).max().orElseThrow();
        try (SandboxRun run = new SandboxRun(96, tmp, appliance)
                .target("glibc update", pkgs -> pkgs.bump("glibc"))
                .profile(p -> p.strategies("full-rebuild", "package-stepping"))) {
            Evaluation target = run.targetEvaluation();
            // between one source at a time and all sources at once, plus the reserve
            leaveFree(run, outputs + biggest + (sources - biggest) / 2 + 2 * MiB);
            long disk = run.host.sizeBytes();

            Dist.Result r = run.upgrade();

            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertTrue(report.get("reproducible").asBoolean(), report.toString());
            assertEquals(target.toplevel(), run.profileToplevel());
            assertTrue(report.get("peakStoreBytes").asLong() <= disk);
            assertEquals("full-rebuild", report.get("passes").get(0).get("strategy").asText(), report.toString());
            long done = 0;
            for (JsonNode step : report.get("steps")) {
                done += step.get("outcome").asText().equals("done") ? 1 : 0;
            }
            assertTrue(done >= 2 && done <= 12, "a handful of steps for 41 units: " + report.get("steps"));
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aRunKilledMidwayIsResumedFromWhereTheHostIsAndEndsOnTheTarget() throws Exception {
        // journal writes: within the first stepping steps, and later
        for (int n : new int[] {5, 10}) {
            Path work = java.nio.file.Files.createDirectories(tmp.resolve("crash-" + n));
            try (SandboxRun run = new SandboxRun(64, work, twoBig())
                    .target("blender, gimp", pkgs -> pkgs.bump("blender").bump("gimp"))
                    .profile(p -> p.strategies("full-rebuild", "package-stepping"))) {
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
