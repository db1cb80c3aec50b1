package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.StorePath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: {@code inchworm upgrade} killed with SIGKILL right after each journal write in
 * turn ({@code INCHWORM_CRASH_AFTER=n}, n = 1, 2, ... until a run ends before reaching n), each
 * time on a fresh sandbox host; the next run must end at the target or at the initial system,
 * with the store verifying and the lock free. Every transition, not a sample.
 */
class CrashIT {

    @TempDir
    Path tmp;

    /** @return the number of transitions killed at */
    private int killAtEveryTransition(String engine, Set<String> results, boolean failActivation) throws Exception {
        int killed = KillLoop.untilTheRunEnds(n -> trial(engine, results, failActivation, n));
        assertTrue(killed >= 8, engine + ": the run ended before its 8th journal write: " + killed);
        System.out.println("CrashIT " + engine + (failActivation ? " (failing activation)" : "")
                + ": killed at each of " + killed + " journal transitions");
        return killed;
    }

    /** Killed after write {@code n} on a fresh host, then the next run; false when the run ended first. */
    private boolean trial(String engine, Set<String> results, boolean failActivation, int n) throws Exception {
        try (SandboxRun run = new SandboxRun(64, Files.createDirectories(tmp.resolve(engine + "-" + n)))
                .routineUpdate()) {
            run.profile(p -> p.set("engine", Map.of("reserve", "1MiB", "onInterrupted", engine)));
            Evaluation target = run.targetEvaluation();
            if (failActivation) {
                run.host.failActivationOf(target.toplevel());
            }
            String where = "killed after journal write " + n + " (" + engine + "): ";
            if (!run.upgradeKilledAfterWrite(n)) {
                return false;
            }
            assertTrue(run.lockText().startsWith("pid="), where + "the killed run left its pid: " + run.lockText());

            Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            JsonNode report = run.json(next);
            String result = report.get("result").asText();
            assertTrue(results.contains(result) || result.equals("already-current"), where + next.out() + next.err());
            assertEquals(result.equals("rolled-back") ? 3 : 0, next.code(), where + next.err());
            StorePath now = run.profileToplevel();
            assertTrue(now.equals(target.toplevel()) || now.equals(run.initial.toplevel()), where + now);
            assertEquals(now.path(), report.get("finalToplevel").asText(), where + "the report says where it is");
            if (now.equals(run.initial.toplevel())) {
                assertEquals(List.of(1), run.generations(), where + "the run's generations are gone");
            } else {
                assertEquals(1, run.generations().size(), where + run.generations());
            }
            assertTrue(run.storeVerifies(), where + "the store verifies");
            assertEquals("", run.lockText(), where + "the lock is free");
            assertTrue(Files.readString(run.stateDir().resolve("journal.json")).contains("\"FINISHED\""), where);
            return true;
        }
    }

    @Test
    void killedAtEachTransitionTheNextRunResumesToTheTarget() throws Exception {
        int transitions = killAtEveryTransition("resume", Set.of("upgraded"), false);
        assertTrue(transitions >= 8, "transitions: " + transitions);
    }

    @Test
    void killedAtEachTransitionTheNextRunRollsBackWhenTheProfileSaysSo() throws Exception {
        killAtEveryTransition("rollback", Set.of("rolled-back", "upgraded"), false);
    }

    @Test
    void killedAtEachTransitionOfAFailingRunTheHostEndsOnTheInitialSystem() throws Exception {
        killAtEveryTransition("resume", Set.of("rolled-back"), true);
    }
}
