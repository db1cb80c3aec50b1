package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The current system's revision read from the host: no {@code --from} after a switch by hand. */
class HostRevisionIT {

    @TempDir
    Path tmp;

    @Test
    void afterASwitchByHandTheSystemsNixosVersionNamesTheRevision() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp)) {
            Revision second = run.scenario.commit("curl", pkgs -> pkgs.bump("curl"));
            Revision third = run.scenario.commit("firefox", pkgs -> pkgs.bump("firefox", MiB));
            StorePath byHand = run.host.switchByHand(run.scenario, second);
            assertEquals(byHand, run.profileToplevel());

            Dist.Result r = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("upgraded", report.get("result").asText());
            assertEquals(second.commit(), report.get("from").get("rev").asText(), "read from " + byHand + "/nixos-version");
            assertEquals(third.commit(), report.get("to").get("rev").asText());
        }
    }

    @Test
    void aSystemThatDoesNotSayItsRevisionNeedsFromAndTheErrorSaysWhy() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Dist.Result r = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(2, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("nixos-version") && r.err().contains("--from"), r.err());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
        }
    }
}
