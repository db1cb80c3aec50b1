package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.testkit.SandboxHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state folder whose own disk is full (a small tmpfs over {@code /nix/var/inchworm} inside
 * the host's mount namespace, the CLI running there too): the journal cannot be written, so no
 * run may begin. Unlike {@link FullDiskIT}, collecting the store's garbage frees nothing there.
 */
class StateFolderFullIT {

    private static final String STATE = SandboxRun.STATE_ON_HOST_DISK;

    @TempDir
    Path tmp;

    @Test
    void aFullStateFolderIsRefusedNamingItAndTheHostIsUnchanged() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate().stateOnHostDisk()) {
            run.host.run("mkdir", "-p", STATE).requireOk();
            run.host.run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", STATE).requireOk();
            // dd stops at the full disk (and says so); then give back 0 or 2 pages
            run.host.run("dd", "if=/dev/zero", "of=" + STATE + "/filler", "bs=4096");
            for (int freePages : new int[] {0, 2}) {
                if (freePages > 0) {
                    run.host.run("truncate", "-s", "-" + freePages * 4096, STATE + "/filler").requireOk();
                }
                Dist.Result r = run.upgrade();

                String what = freePages + " pages free: " + r.out() + r.err();
                assertEquals(2, r.code(), what);
                assertTrue(r.err().contains(STATE) && r.err().contains("No space left on device")
                        && r.err().contains("nothing was done to the host"), what);
                assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), what);
                assertEquals(run.initial.toplevel(), run.profileToplevel(), what);
                assertEquals(1, run.host.run("nix-env", "-p", SandboxHost.SYSTEM_PROFILE, "--list-generations")
                        .requireOk().lines().size(), what);
                assertFalse(Files.exists(run.stateDir().resolve("journal.json")), "no run begun: " + what);
            }

            run.host.run("rm", STATE + "/filler").requireOk();
            Dist.Result after = run.upgrade();
            assertEquals(0, after.code(), "with room again: " + after.out() + after.err());
            assertEquals(run.targetEvaluation().toplevel(), run.profileToplevel());
        }
    }

    @Test
    void statusStillReadsAFullStateFolder() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate().stateOnHostDisk()) {
            run.host.run("mkdir", "-p", STATE).requireOk();
            run.host.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", STATE).requireOk();
            run.host.run("dd", "if=/dev/zero", "of=" + STATE + "/filler", "bs=4096");

            Dist.Result r = run.inchworm(Map.of(), "status", "--profile", run.profile.toString());

            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains(run.initial.toplevel().toString()), r.out());
        }
    }
}
