package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A system source that pulls: {@code system.remote} is a bare git repository on the same
 * machine, fetched one commit deep and deepened as far as the run needs.
 */
class RemoteSourceIT {

    @TempDir
    Path tmp;

    @Test
    void theFirstRunFetchesAndUpgradesTheNextPicksUpANewCommitAnUnreachableRemoteChangesNothing() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            run.scenario.publish();
            Path clone = tmp.resolve("fetched-nixpkgs");
            run.profile(p -> p.set("system", remote(run.scenario, clone, run.scenario.remote().toString())));

            Dist.Result first = run.upgrade(); // --from the initial commit, not fetched at depth 1
            assertEquals(0, first.code(), first.out() + first.err());
            JsonNode report = run.json(first);
            assertEquals("upgraded", report.get("result").asText());
            assertEquals(run.target.commit(), report.get("to").get("rev").asText(), "the fetched branch tip");
            assertTrue(Files.isDirectory(clone.resolve(".git")), "the repository is made by the first fetch");

            Revision third = run.scenario.commit("curl again", pkgs -> pkgs.bump("curl"));
            run.scenario.publish();
            Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(0, next.code(), next.out() + next.err());
            JsonNode again = run.json(next);
            assertEquals("upgraded", again.get("result").asText());
            assertEquals(run.target.commit(), again.get("from").get("rev").asText());
            assertEquals(third.commit(), again.get("to").get("rev").asText(), "the new commit is picked up");

            StorePath before = run.profileToplevel();
            List<Integer> generations = run.generations();
            run.scenario.commit("never fetched", pkgs -> pkgs.bump("curl"));
            run.profile(p -> p.set("system", remote(run.scenario, clone, tmp.resolve("gone.git").toString())));
            Dist.Result offline = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(2, offline.code(), offline.out() + offline.err());
            assertTrue(offline.err().contains("cannot fetch branch 'main'") && offline.err().contains("gone.git")
                    && offline.err().contains("nothing was changed"), offline.err());
            assertEquals(before, run.profileToplevel());
            assertEquals(generations, run.generations());
        }
    }

    private static Map<String, Object> remote(Scenario scenario, Path clone, String url) {
        return Map.of("repository", clone.toString(), "remote", url, "branch", "main", "fetchDepth", 1,
                "expression", Scenario.EXPRESSION, "attribute", Scenario.ATTRIBUTE, "args", Map.of());
    }
}
