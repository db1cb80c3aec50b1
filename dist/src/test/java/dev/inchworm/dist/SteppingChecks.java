package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import java.io.IOException;

/** What the stepping ITs check of a run of the assembled CLI, in one place. */
final class SteppingChecks {

    private SteppingChecks() {
    }

    /** Collects the install's leftovers and leaves {@code free} bytes (Nix's reserved file counted as used). */
    static void leaveFree(SandboxRun run, long free) {
        run.host.run("nix-store", "--gc").requireOk();
        run.host.run("nix-store", "--query", "--hash", run.initial.toplevel().path()).requireOk();
        run.host.leaveFree(free);
    }

    /**
     * The plain rebuild alone ({@code strategies: [full-rebuild]}) on this disk: out of disk,
     * rolled back, exit 3, the host on its initial system. Leaves the profile at {@code
     * [full-rebuild, package-stepping]} for the next run on the same disk.
     */
    static void plainRebuildRunsOutOfDisk(SandboxRun run) throws IOException, InterruptedException {
        run.profile(p -> p.strategies("full-rebuild"));
        Dist.Result plain = run.upgrade();
        run.profile(p -> p.strategies("full-rebuild", "package-stepping"));

        assertEquals(3, plain.code(), plain.out() + plain.err());
        JsonNode report = run.json(plain);
        assertEquals("rolled-back", report.get("result").asText(), report.toString());
        assertTrue(report.get("failure").get("reason").asText().contains("out of disk"), report.toString());
        assertEquals(run.initial.toplevel(), run.profileToplevel());
    }

    /**
     * An upgrade that stepped to the target: exit 0, {@code reproducible}, the final toplevel is
     * what an independent {@code nix-instantiate} of the target gives and what the profile holds,
     * the peak under the disk size, the store verifies, at least {@code minSteps} steps done.
     *
     * @return the report
     */
    static JsonNode steppedToTarget(SandboxRun run, Dist.Result r, long disk, int minSteps) throws IOException {
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode report = run.json(r);
        Evaluation target = run.targetEvaluation();
        assertEquals("upgraded", report.get("result").asText(), report.toString());
        assertTrue(report.get("reproducible").asBoolean(), report.toString());
        assertEquals(target.toplevel().path(), report.get("finalToplevel").asText());
        assertEquals(target.toplevel(), run.profileToplevel());
        assertTrue(report.get("peakStoreBytes").asLong() < disk, report.get("peakStoreBytes") + " >= " + disk);
        assertTrue(done(report) >= minSteps, minSteps + " steps or more: " + report.get("steps"));
        assertTrue(run.storeVerifies());
        return report;
    }

    /** The steps done, each by package-stepping. */
    static long done(JsonNode report) {
        long done = 0;
        for (JsonNode step : report.get("steps")) {
            if (step.get("outcome").asText().equals("done")) {
                assertEquals("package-stepping", step.get("strategy").asText(), step.toString());
                done++;
            }
        }
        return done;
    }

    /** The descriptions of the steps done, in order. */
    static java.util.List<String> doneDescriptions(JsonNode report) {
        java.util.List<String> done = new java.util.ArrayList<>();
        for (JsonNode step : report.get("steps")) {
            if (step.get("outcome").asText().equals("done")) {
                done.add(step.get("description").asText());
            }
        }
        return done;
    }

    /** A run that ended back on the initial system: exit 3, rolled back, the store verifies. */
    static JsonNode rolledBack(SandboxRun run, Dist.Result r) throws IOException {
        assertEquals(3, r.code(), r.out() + r.err());
        JsonNode report = run.json(r);
        assertEquals("rolled-back", report.get("result").asText(), report.toString());
        assertEquals(run.initial.toplevel(), run.profileToplevel());
        assertTrue(run.storeVerifies());
        return report;
    }
}
