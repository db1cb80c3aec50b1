package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.testkit.Outcome;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.SandboxHost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code commit-walk} end to end through the assembled {@code inchworm upgrade}: real Nix, a
 * real git history of the sandbox's package set, a disk on which the whole upgrade does not fit.
 */
class CommitWalkIT {

    private static final Pattern WALK = Pattern.compile("walk to ([0-9a-f]{12}) \\((\\d+) commits?, (\\d+) evaluations?\\)");

    @TempDir
    Path tmp;

    /** The typical set and {@code count} big packages, each built from a source as big as itself. */
    private static PackageSet withBig(int count, long size) {
        PackageSet set = PackageSet.typical();
        for (int i = 0; i < count; i++) {
            set = set.add(Package.of("big" + i, "1.0", size).dependsOn("glibc").withSource(size));
        }
        return set;
    }

    @Test
    void sixCommitsWalkInSeveralStepsWhereTheWholeUpgradeDoesNotFit() throws Exception {
        try (SandboxRun run = new SandboxRun(SandboxHost.builder().tmpfs(96), tmp, withBig(6, 3 * MiB))) {
            Map<String, Revision> byToplevel = new HashMap<>();
            List<Revision> commits = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String big = "big" + i;
                run.target("bump " + big, pkgs -> pkgs.bump(big));
                commits.add(run.target);
                byToplevel.put(run.host.evaluate(run.scenario, run.target).toplevel().path(), run.target);
            }
            // A small reserve: free space is measured after Nix wrote its 8 MiB gc-reserved-space
            // file again (NixCli.collectGarbage reopens the store), so it needs no cover here.
            run.profile(p -> p.strategies("full-rebuild", "commit-walk").set("engine", Map.of("reserve", "1MiB")));
            // The initial system stays for a rollback until the run ends, so the six new packages
            // (18 MiB) must fit besides it; what a walk saves is the build-time part: a plain rebuild
            // also holds all six new sources at once (36 MiB in all), a step only its own commits'
            // sources, collected after it. Estimated 7.2 MiB a commit: two commits fit in 30 MiB first.
            run.host.run("nix-store", "--gc").requireOk();
            Evaluation target = run.targetEvaluation();
            run.host.run("nix-store", "--verify").requireOk(); // writes the reserved file again
            run.host.leaveFree(30 * MiB);
            Outcome plain = run.host.realise(target.drv());
            assertFalse(plain.ok(), "the plain rebuild must not fit: " + plain.stderr());
            assertTrue(plain.stderr().contains("No space left on device"), plain.stderr());
            run.host.run("nix-store", "--gc").requireOk();
            run.host.run("nix-store", "--verify").requireOk(); // writes the reserved file again
            run.host.leaveFree(30 * MiB);

            Dist.Result r = run.upgrade();

            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("upgraded", report.get("result").asText(), report.toString());
            assertTrue(report.get("reproducible").asBoolean());
            assertEquals(target.toplevel().path(), report.get("finalToplevel").asText());
            assertEquals(target.toplevel(), run.profileToplevel());
            assertEquals("full-rebuild", report.get("passes").get(0).get("strategy").asText(), report.toString());
            JsonNode steps = report.get("steps");
            assertTrue(steps.size() >= 2 && steps.size() <= 4, "steps of several commits: " + steps);
            int walked = 0;
            int evaluations = 0;
            for (JsonNode step : steps) {
                assertEquals("commit-walk", step.get("strategy").asText());
                assertEquals("done", step.get("outcome").asText(), step.toString());
                Matcher m = WALK.matcher(step.get("description").asText());
                assertTrue(m.matches(), step.toString());
                Revision revision = byToplevel.get(step.get("toplevel").asText());
                assertNotNull(revision, "each step is the toplevel of one of the commits: " + step);
                assertEquals(revision.shortId(), m.group(1));
                walked += Integer.parseInt(m.group(2));
                assertEquals(commits.indexOf(revision) + 1, walked, "steps go forward commit by commit: " + steps);
                assertTrue(step.get("estimatedBytes").asLong() + 1 * MiB <= step.get("freeBytesBefore").asLong(),
                        "a step is proposed only when its estimate fits: " + step);
                evaluations += Integer.parseInt(m.group(3));
            }
            assertEquals(6, walked);
            assertTrue(evaluations <= 5, "each commit is evaluated at most once, the target never: " + steps);
            assertTrue(report.get("peakStoreBytes").asLong() < run.host.sizeBytes(), report.toString());
            // The engine remembered each step's revision: the next run needs no --from.
            JsonNode installed = SandboxRun.JSON.readTree(run.stateDir().resolve("installed.json").toFile());
            for (JsonNode step : steps) {
                Revision revision = byToplevel.get(step.get("toplevel").asText());
                boolean recorded = false;
                for (JsonNode entry : installed) {
                    recorded |= entry.get("toplevel").asText().equals(step.get("toplevel").asText())
                            && entry.get("revision").asText().equals(revision.commit());
                }
                assertTrue(recorded, "installed.json names " + revision.shortId() + ": " + installed);
            }
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aCommitTooBigAloneIsHandedToPackageStepping() throws Exception {
        PackageSet initial = PackageSet.typical().add(Package.of("big0", "1.0", MiB).dependsOn("glibc"))
                .add(Package.of("blender", "4.1", 3 * MiB).dependsOn("glibc"))
                .add(Package.of("gimp", "2.10", 3 * MiB).dependsOn("glibc"))
                .add(Package.of("inkscape", "1.3", 3 * MiB).dependsOn("glibc"));
        try (SandboxRun run = new SandboxRun(SandboxHost.builder().tmpfs(64), tmp, initial)) {
            Revision small = run.target("bump big0", pkgs -> pkgs.bump("big0")).target;
            Revision three = run.target("bump blender, gimp, inkscape",
                    pkgs -> pkgs.bump("blender").bump("gimp").bump("inkscape")).target;
            Evaluation target = run.targetEvaluation();
            run.profile(p -> p.strategies("commit-walk", "package-stepping"));
            // The first commit fits (1.2 MiB); the second adds 9 MiB at once (commit-walk's estimate
            // 10.8 MiB + 1 MiB reserve) and does not; package-stepping steps it (its estimate of a
            // step's peak: 9.9 MiB + 1 MiB reserve).
            run.host.leaveFree(11 * MiB + MiB / 4);

            Dist.Result r = run.upgrade();

            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("upgraded", report.get("result").asText(), report.toString());
            assertTrue(report.get("reproducible").asBoolean());
            assertEquals(target.toplevel().path(), report.get("finalToplevel").asText());
            assertEquals(target.toplevel(), run.profileToplevel());
            JsonNode steps = report.get("steps");
            assertEquals("commit-walk", steps.get(0).get("strategy").asText(), steps.toString());
            assertTrue(steps.get(0).get("description").asText().startsWith("walk to " + small.shortId() + " (1 commit"),
                    steps.toString());
            String pass = report.get("passes").get(0).get("reason").asText();
            assertEquals("commit-walk", report.get("passes").get(0).get("strategy").asText());
            assertTrue(pass.startsWith("the next commit that changes the system, " + three.shortId() + " (1 ahead), needs "
                    + "about "), pass);
            long stepping = 0;
            for (JsonNode step : steps) {
                stepping += step.get("strategy").asText().equals("package-stepping") ? 1 : 0;
                assertEquals("done", step.get("outcome").asText(), step.toString());
            }
            assertTrue(stepping >= 1, "package-stepping takes over: " + steps);
            assertTrue(report.get("peakStoreBytes").asLong() < run.host.sizeBytes(), report.toString());
            assertTrue(run.storeVerifies());
        }
    }
}
