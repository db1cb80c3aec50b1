package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Estimates err high too: a package that shrinks (20 MiB to 1 MiB) is sized by its old
 * counterpart, so full-rebuild and package-stepping both pass on 12 MiB free, where the plain
 * rebuild needs about 1 MiB. The engine's last try runs it and the host ends on the target.
 */
class LastTryIT {

    @TempDir
    Path tmp;

    @Test
    void whenEveryStrategyPassesOnItsEstimateThePlainRebuildIsTriedAndSucceeds() throws Exception {
        PackageSet initial = PackageSet.typical().add(Package.of("blender", "4.1", 20 * MiB));
        try (SandboxRun run = new SandboxRun(64, tmp, initial)
                .target("blender shrinks", p -> p.bump("blender", MiB))
                .profile(p -> p.strategies("full-rebuild", "package-stepping"))) {
            run.host.leaveFree(12 * MiB);
            run.profile(p -> p.strategies("full-rebuild", "package-stepping")
                    .set("engine", java.util.Map.of("reserve", "1MiB", "lastTry", false)));
            Dist.Result without = run.upgrade();
            assertEquals(3, without.code(), "engine.lastTry: false gives up: " + without.out() + without.err());
            assertEquals(0, run.json(without).get("steps").size(), without.out());
            assertEquals(run.initial.toplevel(), run.profileToplevel());

            run.profile(p -> p.strategies("full-rebuild", "package-stepping"));
            Dist.Result r = run.upgrade();

            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("upgraded", report.get("result").asText(), report.toString());
            JsonNode steps = report.get("steps");
            assertEquals(1, steps.size(), steps.toString());
            assertEquals("last-try", steps.get(0).get("strategy").asText(), steps.toString());
            assertEquals("done", steps.get(0).get("outcome").asText(), steps.toString());
            assertEquals(2, report.get("passes").size(), "both strategies passed first: " + report.get("passes"));
            assertEquals(run.targetEvaluation().toplevel(), run.profileToplevel());
            assertTrue(report.get("reproducible").asBoolean());
            assertTrue(run.storeVerifies());
        }
    }
}
