package dev.inchworm.dist;

import static dev.inchworm.dist.SteppingChecks.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.testkit.PackageSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NixOS-sized system through the assembled CLI with its shipped launcher (a 64 MiB heap):
 * {@code PackageSet.nixosShaped} with 3,000 packages (a glibc-like root, 200 system packages,
 * 100 unit files), 20 leaves bumped. {@code plan} lists them and {@code upgrade} with
 * package-stepping steps to the exact target, and the state folder stays small.
 */
class ScaleIT {

    static final int PACKAGES = 3000;

    @TempDir
    Path tmp;

    @Test
    void aThreeThousandPackageSystemPlansAndStepsToTheTargetInTheShippedHeap() throws Exception {
        PackageSet initial = PackageSet.nixosShaped(PACKAGES, 200, 100, 1);
        List<String> bumped = initial.leaves().stream().filter(n -> initial.get(n).systemPackage()).limit(20).toList();
        try (SandboxRun run = new SandboxRun(768, tmp, initial).target("20 leaves", pkgs -> {
            PackageSet next = pkgs;
            for (String name : bumped) {
                next = next.bump(name);
            }
            return next;
        }).profile(p -> p.strategies().addStrategy("package-stepping", Map.of("maxUnitsPerStep", 10)))) {
            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                    run.first.commit());
            Dist.Result upgrade = run.upgrade();

            assertEquals(0, plan.code(), plan.out() + plan.err());
            assertTrue(plan.out().contains("units (package-stepping): 20 changed, 0 added, 0 removed"), plan.out());
            assertEquals(0, upgrade.code(), upgrade.out() + upgrade.err());
            JsonNode report = run.json(upgrade);
            assertEquals("upgraded", report.get("result").asText(), report.toString());
            assertEquals(run.targetEvaluation().toplevel().path(), report.get("finalToplevel").asText());
            assertEquals(2, done(report), report.get("steps").toString());
            assertTrue(stateBytes(run.stateDir()) < 10L << 20, "state folder " + stateBytes(run.stateDir()));
        }
    }

    private static long stateBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
