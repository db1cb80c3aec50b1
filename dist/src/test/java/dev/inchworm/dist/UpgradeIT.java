package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
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
 * {@code inchworm upgrade} end to end: the assembled CLI as a subprocess, real Nix in a
 * sandbox host whose disk really fills.
 */
class UpgradeIT {

    @TempDir
    Path tmp;

    @Test
    void aPlainUpgradeThatFitsEndsOnTheTargetAndTheOldGenerationIsGone() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Evaluation target = run.targetEvaluation();
            Dist.Result r = run.upgrade();

            assertEquals(0, r.code(), r.err());
            JsonNode report = run.json(r);
            assertEquals("upgraded", report.get("result").asText());
            assertTrue(report.get("reproducible").asBoolean());
            assertEquals(target.toplevel().path(), report.get("finalToplevel").asText());
            assertEquals(run.first.commit(), report.get("from").get("rev").asText());
            assertEquals(run.target.commit(), report.get("to").get("rev").asText());
            assertEquals(target.toplevel().path(), report.get("to").get("toplevel").asText());
            JsonNode step = report.get("steps").get(0);
            assertEquals("done", step.get("outcome").asText());
            assertTrue(step.get("peakStoreBytes").asLong() > 0, step.toString());
            assertTrue(step.get("freeBytesBefore").asLong() > 0, step.toString());
            assertTrue(report.get("peakStoreBytes").asLong() >= step.get("peakStoreBytes").asLong());

            assertEquals(target.toplevel(), run.profileToplevel());
            List<Activation> activations = run.host.activations();
            assertEquals(new Activation("switch", target.toplevel()), activations.get(activations.size() - 1));
            assertEquals(1, run.generations().size(), "only the new generation is left: " + run.generations());
            run.host.reboot(); // the initial system is no longer the booted one either
            run.host.run("nix-store", "--gc").requireOk();
            assertFalse(run.host.exists(run.initial.toplevel()), "the old system is collected");
            assertTrue(run.storeVerifies());
            assertTrue(Files.readString(run.stateDir().resolve("last-report.json")).contains("\"upgraded\""));
            assertEquals("", run.lockText(), "the lock is free");

            Dist.Result again = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(0, again.code(), again.err());
            assertEquals("already-current", run.json(again).get("result").asText(),
                    "the revision Inchworm installed is remembered: no --from needed");
        }
    }

    @Test
    void anUpgradeThatDoesNotFitIsRolledBackAndTheReportSaysWhyInBytes() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).target("firefox 24 MiB", pkgs -> pkgs.bump("firefox", 24 * MiB))) {
            run.host.leaveFree(12 * MiB);
            Dist.Result r = run.upgrade();

            assertEquals(3, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.get("result").asText());
            assertFalse(report.get("reproducible").asBoolean());
            assertEquals("out-of-disk", report.get("steps").get(0).get("outcome").asText());
            JsonNode failure = report.get("failure");
            long needed = failure.get("neededBytes").asLong();
            long free = failure.get("freeBytes").asLong();
            assertTrue(needed > free, failure.toString());
            assertTrue(failure.get("reason").asText().contains("out of disk"), failure.toString());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertEquals(run.initial.toplevel().path(), report.get("finalToplevel").asText());
            assertEquals(1, run.generations().size());
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aFailingSwitchToConfigurationIsRolledBack() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Evaluation target = run.targetEvaluation();
            run.host.failActivationOf(target.toplevel());
            Dist.Result r = run.upgrade();

            assertEquals(3, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.get("result").asText());
            assertTrue(report.get("failure").get("reason").asText().contains("switch-to-configuration switch failed"),
                    report.toString());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            List<Activation> activations = run.host.activations();
            assertEquals(new Activation("switch", run.initial.toplevel()), activations.get(activations.size() - 1),
                    "the initial system is activated again");
            assertEquals(List.of(1), run.generations(), "the failed generation is deleted");
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aTargetThatFailsToBuildIsRolledBack() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).target("break curl", pkgs -> pkgs.bump("curl").breakBuild("curl"))) {
            Dist.Result r = run.upgrade();
            assertEquals(3, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.get("result").asText());
            assertEquals("failed", report.get("steps").get(0).get("outcome").asText());
            assertTrue(report.get("steps").get(0).get("failure").asText().contains("curl"), report.toString());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertEquals(List.of(1), run.generations());
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aTargetThatFailsToEvaluateIsRolledBackWithNixsMessage() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Path pkgs = run.scenario.repository().resolve("pkgs/default.nix");
            Files.writeString(pkgs, Files.readString(pkgs).replaceFirst("\\{", "{ broken = undefinedThing;"));
            git(run, "commit", "-q", "-am", "break the expression");
            Dist.Result r = run.upgrade();

            assertEquals(3, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.get("result").asText());
            assertTrue(report.get("failure").get("reason").asText().contains("undefinedThing"), report.toString());
            assertEquals(0, report.get("steps").size());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
        }
    }

    private static void git(SandboxRun run, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", run.scenario.repository().toString()));
        argv.addAll(List.of(args));
        Process git = new ProcessBuilder(argv).inheritIO().start();
        assertEquals(0, git.waitFor());
    }

    @Test
    void aCorruptJournalIsAnErrorNamingTheFileAndNothingIsDone() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Path journal = Files.createDirectories(run.stateDir()).resolve("journal.json");
            Files.writeString(journal, "{\"format\": 1, \"runId\": ");
            int activations = run.host.activations().size();
            Dist.Result r = run.upgrade();

            assertEquals(2, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(journal.toString()) && r.err().contains("corrupt"), r.err());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertEquals(activations, run.host.activations().size());
            assertEquals(List.of(1), run.generations());
        }
    }

    @Test
    void aLockHeldByALiveRunStopsASecondOneAtOnceAndAStaleLockIsTakenOver() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            // A live run: stopped at its first journal write, holding the lock.
            ProcessBuilder holder = new ProcessBuilder(Dist.LAUNCHER.toString(), "upgrade", "--profile",
                    run.profile.toString(), "--from", run.first.commit()).directory(tmp.toFile())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("holder.txt").toFile());
            holder.environment().put("INCHWORM_CRASH_AFTER", "1");
            Process live = holder.start();
            try {
                while (!Files.readString(tmp.resolve("holder.txt")).contains(SandboxRun.CRASH_MARKER)) {
                    assertTrue(live.isAlive(), Files.readString(tmp.resolve("holder.txt")));
                    Thread.sleep(50);
                }
                Dist.Result second = run.upgrade();
                assertEquals(5, second.code(), second.out() + second.err());
                assertTrue(second.err().contains("pid " + live.pid()), second.err());
            } finally {
                live.destroyForcibly().waitFor();
            }
            assertTrue(run.lockText().contains("pid=" + live.pid()), "the dead run's pid stays in the lock file");

            Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(0, next.code(), next.out() + next.err());
            JsonNode report = run.json(next);
            assertEquals("upgraded", report.get("result").asText());
            assertEquals(1, report.get("resumed").asInt(), "the killed run was taken over");
            assertEquals("", run.lockText());
        }
    }

    @Test
    void planDryRunAndStatusShowTheWayWithoutChangingTheHost() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Evaluation target = run.targetEvaluation();
            String profile = run.profile.toString();
            Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", profile, "--from", run.first.commit(), "--json");
            assertEquals(0, plan.code(), plan.err());
            JsonNode p = run.json(plan);
            assertFalse(p.get("alreadyCurrent").asBoolean());
            assertTrue(p.get("complete").asBoolean());
            JsonNode step = p.get("steps").get(0);
            assertEquals("full-rebuild", step.get("strategy").asText());
            assertEquals(target.toplevel().path(), step.get("toplevel").asText());
            assertTrue(step.get("toBuild").toString().contains(target.drv().path()), step.toString());
            assertTrue(step.get("toBuild").toString().contains("firefox"), step.toString());
            assertTrue(step.get("fits").asBoolean());
            assertTrue(p.get("freeBytes").asLong() > 0);

            Dist.Result dry = run.inchworm(Map.of(), "upgrade", "--profile", profile, "--from", run.first.commit(),
                    "--dry-run");
            assertEquals(0, dry.code(), dry.err());
            assertTrue(dry.out().contains("step 1 (full-rebuild)") && dry.out().contains("reaches the target"), dry.out());

            assertEquals(run.initial.toplevel(), run.profileToplevel(), "plan and dry run changed nothing");
            assertEquals(List.of(1), run.generations());
            assertFalse(Files.exists(run.stateDir().resolve("journal.json")), "no run was begun");

            assertEquals(0, run.upgrade().code());
            Dist.Result status = run.inchworm(Map.of(), "status", "--profile", profile, "--json");
            assertEquals(0, status.code(), status.err());
            JsonNode s = run.json(status);
            assertEquals(target.toplevel().path(), s.get("current").get("toplevel").asText());
            assertEquals(run.target.commit(), s.get("revision").asText());
            assertEquals(1, s.get("initialGeneration").asInt());
            assertEquals("upgraded", s.get("lastReport").get("result").asText());
            assertFalse(s.has("unfinishedRun"));
            Dist.Result text = run.inchworm(Map.of(), "status", "--profile", profile);
            assertTrue(text.out().contains("last run") && text.out().contains("upgraded"), text.out());
        }
    }
}
