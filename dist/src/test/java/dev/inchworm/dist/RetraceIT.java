package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.testkit.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code retrace} rollback: after an upgrade, the initial generation is pruned and its
 * system collected (the host rebooted into the new one); {@code inchworm rollback} rebuilds
 * the initial system from its derivation and activates it.
 */
class RetraceIT {

    @TempDir
    Path tmp;

    private SandboxRun upgradedAndCollected(String rollback) throws Exception {
        SandboxRun run = new SandboxRun(64, tmp).routineUpdate();
        run.profile(p -> p.rollback(rollback));
        Dist.Result up = run.upgrade();
        assertEquals(0, up.code(), up.err());
        run.host.reboot();
        run.host.run("nix-store", "--gc").requireOk();
        assertFalse(run.host.exists(run.initial.toplevel()), "the initial system was collected");
        assertEquals(1, run.generations().size(), "and its generation deleted");
        return run;
    }

    @Test
    void retraceRebuildsAndActivatesTheInitialSystemAfterItsGenerationWasCollected() throws Exception {
        try (SandboxRun run = upgradedAndCollected("retrace")) {
            Evaluation target = run.targetEvaluation();
            Dist.Result r = run.inchworm(Map.of(), "rollback", "--profile", run.profile.toString(), "--json");

            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.get("result").asText());
            assertTrue(report.get("rollback").asText().contains("retraced"), report.toString());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertTrue(run.host.exists(run.initial.toplevel()), "rebuilt");
            List<Activation> activations = run.host.activations();
            assertEquals(new Activation("switch", run.initial.toplevel()), activations.get(activations.size() - 1));
            assertFalse(run.generations().isEmpty());
            run.host.reboot();
            run.host.run("nix-store", "--gc").requireOk();
            assertFalse(run.host.exists(target.toplevel()), "the target's generation is gone with the run");
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void theGenerationRollbackOfAFinishedRunIsRefusedUpFrontAndLaterRunsAreNotBlocked() throws Exception {
        try (SandboxRun run = upgradedAndCollected("generation")) {
            Evaluation target = run.targetEvaluation();
            String journal = Files.readString(run.stateDir().resolve("journal.json"));
            Dist.Result r = run.inchworm(Map.of(), "rollback", "--profile", run.profile.toString(), "--json");

            assertEquals(2, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("cannot restore") && r.err().contains("rollback: retrace"), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertEquals(target.toplevel(), run.profileToplevel(), "nothing was changed");
            assertEquals(journal, Files.readString(run.stateDir().resolve("journal.json")), "nor the journal");

            Dist.Result up = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(0, up.code(), up.out() + up.err());
            assertEquals("already-current", run.json(up).get("result").asText());
        }
    }
}
