package dev.inchworm.dist;

import static dev.inchworm.dist.SteppingChecks.leaveFree;
import static dev.inchworm.dist.SteppingChecks.rolledBack;
import static dev.inchworm.dist.SteppingChecks.steppedToTarget;
import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.SandboxHost;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's example (issue 9) through the assembled CLI over real Nix: two big packages, a
 * blender of 8 MiB and a gimp of 6 MiB, both bumped, with no build-only inputs (as when both
 * are substituted from a cache). {@code A.old + A.new + B.old + B.new} does not fit, {@code
 * A.old + A.new + B.old} does. The host was booted into an older system without either and
 * switched since, so the booted system pins neither; what pins the old versions is the initial
 * generation. Kept ({@code engine.keepInitial: always}), stepping frees nothing and needs what
 * the plain rebuild needs; released ({@code auto}, the default), the old blender is collected
 * once the first step is switched and the second step fits in its place.
 */
class ReleaseInitialIT {

    /** One new blender (8 MiB), the 1 MiB reserve and Nix's few KiB of derivations and links. */
    private static final long FREE = 10 * MiB + 512 * KiB;

    @TempDir
    Path tmp;

    private static SandboxRun host(Path work, UnaryOperator<PackageSet> target, String keepInitial) throws Exception {
        SandboxRun run = ShedCase.host(SandboxHost.builder().tmpfs(64), work, target);
        return keep(run, keepInitial);
    }

    /** [full-rebuild, package-stepping], the kit's live-system links, and engine.keepInitial (null: the default). */
    private static SandboxRun keep(SandboxRun run, String keepInitial) {
        return run.profile(p -> {
            Map<String, Object> engine = new LinkedHashMap<>(Map.of("reserve", "1MiB"));
            if (keepInitial != null) {
                engine.put("keepInitial", keepInitial);
            }
            return p.strategies("full-rebuild", "package-stepping").set("engine", engine)
                    .nixSetting("bootedSystem", run.host.stateDir().resolve("booted-system").toString())
                    .nixSetting("currentSystem", run.host.stateDir().resolve("current-system").toString());
        });
    }

    private static StorePath named(SandboxRun run, StorePath toplevel, String name) {
        return run.host.run("nix-store", "--query", "--requisites", toplevel.path()).requireOk().lines().stream()
                .map(l -> StorePath.of(l.strip())).filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void thePlainRebuildAndKeepingEverythingFailWhereReleasingTheInitialGenerationReachesTheTarget()
            throws Exception {
        try (SandboxRun run = host(tmp, ShedCase.bumpBoth(), "always")) {
            StorePath oldBlender = named(run, run.initial.toplevel(), "blender-4.1");
            leaveFree(run, FREE);
            long disk = run.host.sizeBytes();
            long before = run.host.usedBytes();

            run.profile(p -> p.strategies("full-rebuild"));
            JsonNode plain = rolledBack(run, run.upgrade());
            keep(run, "always");
            JsonNode kept = rolledBack(run, run.upgrade());
            keep(run, null);
            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());
            Dist.Result r = run.upgrade();

            assertTrue(plain.get("failure").get("reason").asText().contains("out of disk")
                    || plain.get("failure").get("reason").asText().contains("needs about"), plain.toString());
            assertTrue(kept.get("failure").get("reason").asText().contains("package-stepping"), kept.toString());
            assertEquals(0, plan.code(), plan.out() + plan.err());
            assertTrue(plan.out().contains("initial generation"), "the plan says it releases it: " + plan.out());
            JsonNode report = steppedToTarget(run, r, disk, 2);
            assertTrue(report.get("initialReleased").asText().contains("only without the initial generation"),
                    report.toString());
            assertTrue(r.err().contains("releasing the initial generation"), r.err());
            assertFalse(run.host.exists(oldBlender), "the old blender was collected during the run");
            // the bound of this model: the store before, the biggest unit's new closure (the new
            // blender, 8 MiB) and its transient; within 10%
            long bound = before + ShedCase.BLENDER;
            long peak = report.get("peakStoreBytes").asLong();
            assertTrue(peak <= bound + bound / 10, "peak " + peak + " over the bound " + bound + " + 10%");
        }
    }

    @Test
    void aStepThatFailsAfterTheInitialGenerationWasReleasedRetracesToTheInitialSystem() throws Exception {
        try (SandboxRun run = host(tmp, p -> ShedCase.bumpBoth().apply(p).breakBuild("gimp"), null)) {
            leaveFree(run, FREE);

            Dist.Result r = run.upgrade();

            JsonNode report = rolledBack(run, r);
            assertTrue(report.has("initialReleased"), report.toString());
            List<String> done = SteppingChecks.doneDescriptions(report);
            assertEquals(1, done.size(), "blender was upgraded first, then gimp failed: " + report.get("steps"));
            assertTrue(report.get("failure").get("reason").asText().contains("gimp"), report.toString());
            assertTrue(report.get("rollback").asText().contains("retrace"), report.toString());
            assertEquals(run.initial.toplevel(), run.host.currentSystem().orElseThrow(), "activated again");
            assertTrue(run.host.exists(run.initial.toplevel()), "rebuilt from its derivation");
        }
    }
}
