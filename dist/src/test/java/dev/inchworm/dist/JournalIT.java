package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI under a systemd unit: standard error the journal ({@code JOURNAL_STREAM}), no
 * terminal. Every line carries its priority, and each phase of a step is logged when it starts
 * and when it is done.
 */
class JournalIT {

    @TempDir
    Path tmp;

    @Test
    void underTheJournalEachPhaseIsLoggedWithItsPriorityAndAFailureIsAnError() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Dist.Result r = run.upgradeUnderJournal();
            assertEquals(0, r.code(), r.out() + r.err());
            List<String> lines = r.err().lines().toList();
            assertFalse(lines.isEmpty());
            assertTrue(lines.stream().allMatch(l -> l.matches("<[346]>.*")), r.err());
            for (String phase : List.of("reclaiming", "building", "setting the profile", "activating", "pruning")) {
                assertEquals(1, lines.stream().filter(l -> l.equals("<6>inchworm: step 1 " + phase + ": started")).count(),
                        phase + " started once: " + r.err());
                assertEquals(1, lines.stream().filter(l -> l.startsWith("<6>inchworm: step 1 " + phase + ": done")
                        && l.matches(".*, \\d+\\.\\d s")).count(), phase + " done once, with its seconds: " + r.err());
            }
            assertTrue(lines.stream().anyMatch(l -> l.matches("<6>inchworm: step 1 building: done, peak \\d+\\.\\d MiB used, .*")),
                    "the build's bytes: " + r.err());
            assertFalse(r.err().contains("store: "), "no samples every few seconds: " + r.err());
            assertTrue(lines.get(lines.size() - 1).startsWith("<6>inchworm: upgraded: "), r.err());
            assertTrue(r.out().startsWith("upgraded: "), "the report stays on standard output: " + r.out());
        }
    }

    @Test
    void aRolledBackRunIsAnErrorInTheJournalAndTheFailedPhaseAWarning() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).target("firefox 24 MiB", pkgs -> pkgs.bump("firefox", 24 * MiB))) {
            run.host.leaveFree(12 * MiB);
            Dist.Result r = run.upgradeUnderJournal();
            assertEquals(3, r.code(), r.out() + r.err());
            List<String> lines = r.err().lines().toList();
            assertTrue(lines.stream().allMatch(l -> l.matches("<[346]>.*")), r.err());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("<4>inchworm: step 1 ") && l.contains(": failed (")),
                    r.err());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("<3>inchworm: rolled-back: ") && l.contains("out of disk")),
                    r.err());
        }
    }

    @Test
    void aRedirectedStandardErrorThatInheritedTheVariableIsNotTheJournal() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Dist.Result r = run.inchworm(Map.of("JOURNAL_STREAM", "8:12345"), "upgrade", "--profile",
                    run.profile.toString(), "--from", run.first.commit());
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("inchworm: step 1 building: started"), "no terminal: phase lines: " + r.err());
            assertFalse(r.err().lines().anyMatch(l -> l.matches("<\\d>.*")), r.err());
        }
    }
}
