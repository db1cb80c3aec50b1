package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.testkit.Package;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk too full to evaluate the target (its {@code .drv} files and the database's growth),
 * with garbage to collect: Inchworm makes room before evaluating instead of letting the
 * evaluation run out of disk.
 */
class EvaluationRoomIT {

    @TempDir
    Path tmp;

    @Test
    void aDiskTooFullToEvaluateIsReclaimedFirstThenEvaluatedAndUpgraded() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp)) {
            // 8 MiB of garbage: a package built once and not kept
            Revision junk = run.scenario.commit("junk", p -> p.add(Package.of("junk", "1.0", 8 * MiB)));
            run.host.build(run.scenario, junk, "pkgs.junk").requireOk();
            // the host's system says its revision (as after nixos-rebuild): no --from to evaluate first
            run.host.switchByHand(run.scenario, run.first);
            run.target("htop, curl", p -> p.remove("junk").bump("htop").bump("curl"));
            run.host.leaveFree(64 * KiB);

            Dist.Result r = run.upgrade("--progress");

            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("reclaiming before evaluating"), r.err());
            assertFalse(r.err().contains("the evaluation ran out of disk"), "it did not have to fail first: " + r.err());
            JsonNode report = run.json(r);
            assertEquals("upgraded", report.get("result").asText(), report.toString());
            assertEquals(run.targetEvaluation().toplevel(), run.profileToplevel());
            assertTrue(run.storeVerifies());
        }
    }
}
