package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inchworm plan} lists the packages an upgrade changes (added, removed, changed, with
 * versions and sizes, as nvd does) with {@code [full-rebuild]} alone: no strategy that works by
 * packages is configured. Through the CLI, against real Nix in a sandbox host.
 */
class PlanDiffIT {

    @TempDir
    Path tmp;

    private static Map<String, JsonNode> byName(JsonNode packages) {
        Map<String, JsonNode> map = new HashMap<>();
        packages.forEach(p -> map.put(p.get("name").asText(), p));
        return map;
    }

    @Test
    void planListsThePackagesThatChangeWithVersionsAndSizesForAnyStrategy() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).target("curl, firefox, ripgrep in, htop out", pkgs -> pkgs
                .bump("curl").bump("firefox", 5 * MiB).add("ripgrep", "14.1.0", MiB, "glibc").remove("htop"))) {
            run.profile(p -> p.set("strategies", List.of(Map.of("id", "full-rebuild"))));
            PackageSet before = PackageSet.typical();
            PackageSet after = run.scenario.packages();
            Package curl = after.get("curl");

            Dist.Result text = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());
            assertEquals(0, text.code(), text.out() + text.err());
            String out = text.out();
            System.out.println(out); // for docs/upgrade.md
            assertTrue(out.contains("  packages: "), out);
            assertTrue(out.lines().anyMatch(l -> l.matches("    \\[U\\] curl +" + before.get("curl").version() + " -> "
                    + curl.version() + "  .* KiB -> ~.* KiB")), out);
            assertTrue(out.lines().anyMatch(l -> l.matches("    \\[U\\] firefox +123\\.0 -> "
                    + after.get("firefox").version() + "  .*")), out);
            assertTrue(out.lines().anyMatch(l -> l.matches("    \\[A\\] ripgrep +\\(none\\) -> 14\\.1\\.0  size known once built")), out);
            assertTrue(out.lines().anyMatch(l -> l.matches("    \\[R\\] htop +3\\.3\\.0 -> \\(none\\)  -2\\d\\d\\.\\d KiB")), out);
            assertTrue(out.contains("(estimated before the build)"), out);
            assertFalse(out.contains("] git ") || out.contains("] glibc ") || out.contains("] cmake "),
                    "unchanged versions are not listed: " + out);
            assertFalse(out.contains(".tar"), "sources are build inputs, not the system: " + out);
            assertFalse(out.contains("units ("), "no strategy lists units here: " + out);

            Dist.Result json = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit(), "--json");
            assertEquals(0, json.code(), json.out() + json.err());
            JsonNode closure = run.json(json).get("closure");
            Map<String, JsonNode> packages = byName(closure.get("packages"));
            assertEquals(java.util.Set.of("curl", "firefox", "ripgrep", "htop"),
                    packages.keySet(), closure.toString());
            assertEquals("REMOVED", packages.get("htop").get("change").asText());
            assertTrue(packages.get("htop").get("oldBytes").asLong() >= 256 * 1024, closure.toString());
            assertEquals("ADDED", packages.get("ripgrep").get("change").asText());
            assertEquals(curl.version(), packages.get("curl").get("newVersion").asText());
            assertTrue(closure.get("rebuilt").asInt() >= 1, "git is rebuilt against the new curl: " + closure);
            assertFalse(closure.get("newBytesExact").asBoolean());
            assertTrue(closure.get("oldBytes").asLong() > 0);

            // Once the target is built, its closure is read: sizes measured, not estimated.
            Evaluation target = run.targetEvaluation();
            run.host.run("nix-store", "--realise", target.drv().path()).requireOk();
            Dist.Result built = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit(), "--json");
            assertEquals(0, built.code(), built.out() + built.err());
            JsonNode exact = run.json(built).get("closure");
            assertTrue(exact.get("newBytesExact").asBoolean(), exact.toString());
            Map<String, JsonNode> measured = byName(exact.get("packages"));
            assertEquals(packages.keySet(), measured.keySet(), exact.toString());
            long firefoxOld = measured.get("firefox").get("oldBytes").asLong();
            long firefoxNew = measured.get("firefox").get("estimatedNewBytes").asLong();
            assertTrue(firefoxNew > firefoxOld + 2 * MiB, "firefox grew to 5 MiB: " + exact);
            assertTrue(measured.get("ripgrep").get("estimatedNewBytes").asLong() >= MiB, exact.toString());
        }
    }
}
