package dev.inchworm.dist;

import static dev.inchworm.dist.SteppingChecks.leaveFree;
import static dev.inchworm.dist.SteppingChecks.steppedToTarget;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state folder on the store's own disk, as on a real tiny host ({@code /var/lib/inchworm}
 * beside {@code /nix}): the journal, lock, reports and GC roots are written to the very disk a
 * build runs full. The state folder is {@code /nix/var/inchworm} and the CLI runs inside the
 * host's mount namespace ({@link SandboxRun#stateOnHostDisk()}), so it sees the folder where a
 * real host's CLI would; this JVM checks it through {@code /proc/PID/root}.
 */
class FullDiskIT {

    @TempDir
    Path tmp;

    /** Two packages that grow from 1 to 4 MiB, each built from a 3 MiB source: full-rebuild's estimate is far too low. */
    private static SandboxRun growing(Path work) throws IOException {
        PackageSet initial = PackageSet.typical()
                .add(Package.of("blender", "4.1", MiB).withSource(3 * MiB))
                .add(Package.of("gimp", "2.10", MiB).withSource(3 * MiB));
        return new SandboxRun(64, work, initial)
                .target("blender and gimp grow", p -> p.bump("blender", 4 * MiB).bump("gimp", 4 * MiB))
                .stateOnHostDisk()
                // Default settings: after full-rebuild ran out of disk, package-stepping must not
                // propose the same whole step again but split it.
                .profile(p -> p.strategies("full-rebuild", "package-stepping"));
    }

    /** The journal is JSON that names a finished run; the last report is readable JSON. */
    private static JsonNode finishedJournalAndReport(SandboxRun run) throws IOException {
        JsonNode journal = SandboxRun.JSON.readTree(Files.readString(run.stateDir().resolve("journal.json")));
        assertEquals("FINISHED", journal.get("phase").asText(), journal.toString());
        assertEquals("", run.lockText(), "the lock is free");
        return SandboxRun.JSON.readTree(Files.readString(run.stateDir().resolve("last-report.json")));
    }

    @Test
    void aFullRebuildThatRunsTheSharedDiskFullIsRolledBackWithAReport() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).target("firefox 24 MiB", p -> p.bump("firefox", 24 * MiB))
                .stateOnHostDisk()) {
            run.host.leaveFree(12 * MiB);
            Dist.Result r = run.upgrade();

            assertEquals(3, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.get("result").asText(), report.toString());
            assertEquals("out-of-disk", report.get("steps").get(0).get("outcome").asText(), report.toString());
            assertTrue(report.get("failure").get("reason").asText().contains("out of disk"), report.toString());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertEquals(1, run.generations().size());
            assertTrue(run.storeVerifies());
            JsonNode saved = finishedJournalAndReport(run);
            assertEquals("rolled-back", saved.get("result").asText(), saved.toString());
            assertTrue(Files.exists(run.host.storeRoot().resolve("var/inchworm/journal.json")),
                    "the journal is on the host's disk");
        }
    }

    @Test
    void aPlainRebuildRunningTheSharedDiskFullHandsOverToSteppingWhichEndsOnTheTarget() throws Exception {
        try (SandboxRun run = growing(tmp)) {
            // plain: 8 MiB new + 6 MiB of sources; a step: 4 + 3 MiB, and 3 MiB stay after the first
            leaveFree(run, 12 * MiB);
            long disk = run.host.sizeBytes();
            Dist.Result r = run.upgrade();

            JsonNode report = steppedToTarget(run, r, disk, 2);
            assertEquals("out-of-disk", report.get("steps").get(0).get("outcome").asText(),
                    "full-rebuild tried first and ran the disk full: " + report);
            assertEquals("upgraded", finishedJournalAndReport(run).get("result").asText());
        }
    }

    @Test
    void aDiskLeftWithNoByteFreeStillRunsOnTheSpareRoomAndEndsCleanly() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate().stateOnHostDisk()) {
            // an earlier run left the state folder (journal, installed.json, reports) on the disk
            assertEquals(0, run.upgrade().code());
            StorePath first = run.profileToplevel();
            run.target("htop", p -> p.bump("firefox", 3 * MiB).bump("curl").bump("htop"));
            run.host.leaveFree(0);

            Dist.Result full = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            String what = full.out() + full.err();

            // the spare room in the state folder lets the lock and the journal be written: the run
            // goes on, runs out of disk, collects, rolls back and reports, instead of being refused
            assertTrue(full.code() == 0 || full.code() == 3, what);
            assertTrue(!what.contains("\tat dev.inchworm") && !what.contains("Exception in thread"), what);
            JsonNode report = run.json(full);
            StorePath now = run.profileToplevel();
            assertEquals(now.path(), report.get("finalToplevel").asText(), what);
            assertTrue(now.equals(first) || now.equals(run.targetEvaluation().toplevel()), what);
            JsonNode saved = finishedJournalAndReport(run);
            assertEquals(report.get("result"), saved.get("result"), what);
            assertTrue(run.storeVerifies(), what);
            run.host.removeFiller();
            Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(0, next.code(), next.out() + next.err());
            assertEquals(run.targetEvaluation().toplevel(), run.profileToplevel());
            assertEquals("upgraded", finishedJournalAndReport(run).get("result").asText());
            assertTrue(Files.size(run.stateDir().resolve("spare-room")) > 0, "the spare room is back");
        }
    }

    @Test
    void killedRightAfterRunningOutOfDiskTheNextRunOnTheSameDiskEndsCleanly() throws Exception {
        for (int n = 3; n < 20; n++) {
            try (SandboxRun run = growing(Files.createDirectories(tmp.resolve("n" + n)))) {
                leaveFree(run, 12 * MiB);
                Path journal = run.stateDir().resolve("journal.json");
                AtomicReference<String> atCrash = new AtomicReference<>("");
                boolean killed = run.upgradeKilledAfterWrite(n, () -> {
                    try {
                        atCrash.set(Files.readString(journal));
                    } catch (IOException e) {
                        atCrash.set("unreadable: " + e);
                    }
                });
                assertTrue(killed, "the run ended before its journal recorded the out-of-disk step (write " + n + ")");
                if (!atCrash.get().contains("OUT_OF_DISK")) {
                    continue;
                }
                Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
                String where = "killed after write " + n + ": " + next.out() + next.err();
                assertNotEquals(1, next.code(), where);
                JsonNode report = run.json(next);
                assertEquals(1, report.get("resumed").asInt(), where);
                assertTrue(next.code() == 0 || next.code() == 3, where);
                StorePath now = run.profileToplevel();
                assertEquals(next.code() == 0 ? run.targetEvaluation().toplevel() : run.initial.toplevel(), now, where);
                assertTrue(run.storeVerifies());
                assertEquals(report.get("result").asText(), finishedJournalAndReport(run).get("result").asText());
                System.out.println("FullDiskIT: killed after journal write " + n + " (out of disk recorded), next run "
                        + report.get("result").asText());
                return;
            }
        }
        throw new AssertionError("no journal write up to 19 recorded the out-of-disk step");
    }
}
