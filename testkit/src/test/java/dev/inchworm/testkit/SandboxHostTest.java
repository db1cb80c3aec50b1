package dev.inchworm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host itself: isolation, filling up, shrinking, swap, cleanup. Real mounts, as root. */
class SandboxHostTest {

    @Test
    void aTmpfsHostFillsUpWhileTheMachinesNixStaysUntouched() throws Exception {
        try (SandboxHost host = SandboxHost.builder().tmpfs(16).build()) {
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")),
                    Files.readSymbolicLink(Path.of("/proc", Long.toString(host.pid()), "ns/mnt")));
            assertEquals(16L << 20, host.sizeBytes());

            Outcome tooMuch = host.run("sh", "-c", "head -c 20000000 /dev/zero > /nix/filler");
            assertFalse(tooMuch.ok());
            assertTrue(tooMuch.stderr().contains("No space left on device"), tooMuch.stderr());
            assertTrue(host.freeBytes() < 64 * 1024, "free after filling: " + host.freeBytes());
            assertTrue(Files.exists(host.storeRoot().resolve("filler")));
            assertFalse(Files.exists(Path.of("/nix/filler")), "the machine's /nix must not see the sandbox");
        }
    }

    @Test
    void leavesExactlyAsMuchFreeAsAsked() {
        for (SandboxHost.Builder shape : java.util.List.of(SandboxHost.builder().tmpfs(24),
                SandboxHost.builder().loopExt4(24))) {
            try (SandboxHost host = shape.build()) {
                long free = host.leaveFree(4L << 20);
                assertTrue(free >= 4L << 20 && free < (4L << 20) + (256 << 10), host + ": free " + free);
                long left = host.leaveFree(0);
                // ext4 may report a last block no file can take
                assertTrue(left <= 4096, host + ": free " + left);
                assertFalse(host.run("sh", "-c", "echo x > /nix/more").ok());
                host.removeFiller();
                assertTrue(host.freeBytes() > 16L << 20, host + ": free after removing " + host.freeBytes());
            }
        }
    }

    @Test
    void aTmpfsHostShrinksAfterSetUp() {
        try (SandboxHost host = SandboxHost.builder().tmpfs(32).build()) {
            host.run("sh", "-c", "head -c 4000000 /dev/urandom > /nix/data").requireOk();
            host.shrinkTo(8);
            assertEquals(8L << 20, host.sizeBytes());
            assertFalse(host.run("sh", "-c", "head -c 5000000 /dev/urandom > /nix/more").ok());
        }
    }

    @Test
    void closeEndsTheHolderAndRemovesTheWorkFolderAndASecondCloseDoesNothing() {
        SandboxHost host = SandboxHost.builder().tmpfs(8).build();
        long pid = host.pid();
        Path work = host.workDir();
        Path proc = Path.of("/proc", Long.toString(pid));
        // a stray process left in the namespace must not keep it alive
        new Thread(() -> host.run("sleep", "600")).start();
        waitFor(() -> countInNamespace(pid) >= 2);
        host.close();
        assertFalse(Files.exists(proc), "holder " + pid + " still running");
        assertFalse(Files.exists(work));
        host.close();
        assertThrows(IllegalStateException.class, () -> host.run("true"));
    }

    @Test
    void aLoopHostSwapsInItsSwapFolderAndCloseSwapsOffAndReleasesTheLoopDevice() throws Exception {
        SandboxHost host = SandboxHost.builder().loopExt4(64).swapFolder().journal().build();
        Path image = host.workDir().resolve("disk.img");
        try {
            assertTrue(Launcher.run(List.of("losetup", "-a"), Map.of()).text().contains(image.toString()));
            String swapFile = host.swapDir().orElseThrow().resolve("swapfile").toString();
            host.run("fallocate", "-l", "16M", swapFile).requireOk();
            host.run("chmod", "600", swapFile).requireOk();
            host.run("mkswap", swapFile).requireOk();
            long usedBefore = host.usedBytes();
            host.run("swapon", swapFile).requireOk();
            assertTrue(Files.readString(Path.of("/proc/swaps")).contains(swapFile));
            assertTrue(usedBefore >= 16L << 20, "the swap file is on the small disk: used " + usedBefore);
            // a swap file elsewhere on the disk must not pin the loop device either
            host.run("sh", "-c", "fallocate -l 8M /nix/swap2 && chmod 600 /nix/swap2 && mkswap /nix/swap2 && swapon /nix/swap2")
                    .requireOk();
            assertTrue(host.run("cat", "/proc/swaps").requireOk().stdout().contains("/nix/swap2"));
            Path journal = host.journalDir().orElseThrow();
            host.run("sh", "-c", "echo entry > " + journal + "/system.journal").requireOk();
            assertFalse(Files.exists(journal.resolve("system.journal")), "journal must live on the small disk only");
        } finally {
            host.close();
        }
        assertFalse(Files.readString(Path.of("/proc/swaps")).contains(host.workDir().toString()));
        assertFalse(Files.readString(Path.of("/proc/swaps")).contains("swap2"));
        assertFalse(Launcher.run(List.of("losetup", "-a"), Map.of()).text().contains(image.toString()));
    }

    @Test
    void tmpDirFollowsTheChoice() {
        try (SandboxHost onDisk = SandboxHost.builder().tmpfs(8).build();
             SandboxHost inStore = SandboxHost.builder().tmpfs(8).tmpDirInStore().build()) {
            assertTrue(onDisk.nixEnvironment().get("TMPDIR").startsWith(onDisk.workDir().toString()));
            assertEquals("/nix/var/tmp", inStore.nixEnvironment().get("TMPDIR"));
            assertTrue(Files.isDirectory(inStore.storeRoot().resolve("var/tmp")));
            assertEquals("local", inStore.nixEnvironment().get("NIX_REMOTE"));
        }
    }

    @Test
    void swapAndJournalNeedALoopDisk() {
        assertThrows(IllegalStateException.class, () -> SandboxHost.builder().tmpfs(8).swapFolder().build());
    }

    private static long countInNamespace(long holderPid) {
        try {
            Path ns = Files.readSymbolicLink(Path.of("/proc", Long.toString(holderPid), "ns/mnt"));
            long count = 0;
            try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path p : procs) {
                    try {
                        if (Files.readSymbolicLink(p.resolve("ns/mnt")).equals(ns)) {
                            count++;
                        }
                    } catch (java.io.IOException gone) {
                        // exited meanwhile
                    }
                }
            }
            return count;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        for (int i = 0; i < 5000 && !condition.getAsBoolean(); i++) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
