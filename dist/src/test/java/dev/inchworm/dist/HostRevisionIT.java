package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.nio.file.Files;
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

    @Test
    void aFromThatIsNotTheRunningSystemsRevisionIsRefusedAndNothingChanges() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Path installed = run.stateDir().resolve("installed.json");
            for (String command : new String[] {"upgrade", "plan"}) {
                // the target itself: in the history, but it evaluates to another system
                Dist.Result other = run.inchworm(Map.of(), command, "--profile", run.profile.toString(),
                        "--from", run.target.commit());
                assertEquals(2, other.code(), command + ": " + other.out() + other.err());
                assertTrue(other.err().contains("--from " + run.target.commit()) && other.err().contains(
                        "not to the running system " + run.initial.toplevel()), other.err());
                assertFalse(other.err().contains("Exception"), other.err());
            }
            // a revision the target does not descend from
            Dist.Result later = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(),
                    "--from", run.target.commit(), "--to", run.first.commit());
            assertEquals(2, later.code(), later.out() + later.err());
            assertTrue(later.err().contains("is not in the history of the target " + run.first.shortId()), later.err());

            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertEquals(1, run.host.run("nix-env", "-p", dev.inchworm.testkit.SandboxHost.SYSTEM_PROFILE,
                    "--list-generations").requireOk().lines().size(), "no generation added");
            assertFalse(Files.exists(run.stateDir().resolve("journal.json")), "no run begun");
            assertFalse(Files.exists(installed), "the wrong revision is not recorded");

            Dist.Result right = run.upgrade();
            assertEquals(0, right.code(), right.out() + right.err());
            assertEquals(run.first.commit(), run.json(right).get("from").get("rev").asText());
        }
    }
}
