package dev.inchworm.plugins.swapfile;

import dev.inchworm.api.ByteSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.runtime.engine.BasicContext;
import dev.inchworm.runtime.engine.MemoryPluginState;
import dev.inchworm.testkit.SandboxHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The swap file on a real tiny host: a loop-mounted ext4 disk where {@code swapon} works, and a
 * tmpfs one where it cannot. Swap is global to the machine, so every test swaps off in finally.
 */
class SwapFileTest {

    static final long MIB = 1L << 20;

    final SwapFile swapFile = new SwapFile();

    static SwapFile.Settings settings(String path, String size) {
        return new SwapFile.Settings(path, ByteSize.of(size), ByteSize.of("1MiB"), null, null);
    }

    static List<String> swaps(SandboxHost host) {
        return SwapFile.activeSwaps(host.run("cat", "/proc/swaps").requireOk().stdout());
    }

    static void swapOff(SandboxHost host, String path) {
        if (swaps(host).contains(path)) {
            host.run("swapoff", path).requireOk();
        }
    }

    @Test
    void swapIsOnWhileHeldAndGoneAfterRelease() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(64).swapFolder().build()) {
            String path = host.swapDir().orElseThrow().resolve("swapfile").toString();
            try {
                long usedBefore = host.usedBytes();
                var context = OnHost.context(host, new SwapFile.Settings(path, ByteSize.of("16MiB"), ByteSize.of("1MiB"), ByteSize.of("1000TiB"), 7));

                swapFile.acquire(context);

                assertTrue(swaps(host).contains(path), "listed in /proc/swaps: " + swaps(host));
                String line = host.run("cat", "/proc/swaps").stdout().lines().filter(l -> l.startsWith(path)).findFirst().orElseThrow();
                assertTrue(line.trim().endsWith("7"), "priority 7: " + line);
                assertEquals("600", host.run("stat", "-c", "%a", path).requireOk().text());
                assertTrue(host.usedBytes() - usedBefore >= 16 * MIB, "the file takes its 16 MiB on the small disk");
                assertEquals(Map.of(SwapFile.PATH_KEY, path), context.state().all());

                swapFile.release(context);

                assertFalse(swaps(host).contains(path));
                assertFalse(host.run("test", "-e", path).ok(), "deleted");
                assertEquals(Map.of(), context.state().all());
                swapFile.release(context); // idempotent: nothing noted, nothing done
                assertTrue(host.usedBytes() - usedBefore < MIB, "the disk has its space back");
            } finally {
                swapOff(host, path);
            }
        }
    }

    @Test
    void theNextRunReleasesFromTheNoteAloneAfterACrash() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(64).swapFolder().build()) {
            String path = host.swapDir().orElseThrow().resolve("swapfile").toString();
            try {
                var crashed = OnHost.context(host, settings(path, "8MiB"));
                swapFile.acquire(crashed);
                assertTrue(swaps(host).contains(path));

                // a new process: a new extension instance, only the journal's notes survive
                MemoryPluginState notes = new MemoryPluginState();
                crashed.state().all().forEach(notes::put);
                BasicContext<SwapFile.Settings> next = OnHost.context(host, settings(path, "8MiB"), notes);
                new SwapFile().release(next);

                assertFalse(swaps(host).contains(path));
                assertFalse(host.run("test", "-e", path).ok());
            } finally {
                swapOff(host, path);
            }
        }
    }

    @Test
    void aCrashBeforeTheFileExistedLeavesANoteReleaseCopesWith() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(32).swapFolder().build()) {
            String path = host.swapDir().orElseThrow().resolve("swapfile").toString();
            MemoryPluginState notes = new MemoryPluginState();
            notes.put(SwapFile.PATH_KEY, path);

            swapFile.release(OnHost.context(host, settings(path, "8MiB"), notes));

            assertEquals(Map.of(), notes.all());
        }
    }

    @Test
    void refusesWhenTheDiskHasNoRoomAndChangesNothing() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(32).swapFolder().build()) {
            String path = host.swapDir().orElseThrow().resolve("swapfile").toString();
            var context = OnHost.context(host, settings(path, "64MiB"));

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> swapFile.acquire(context));

            assertTrue(e.getMessage().startsWith("no room for a 64.0 MiB swap file in " + host.swapDir().orElseThrow()),
                    e.getMessage());
            assertTrue(e.getMessage().contains("needed (size + keepFree 1.0 MiB)"), e.getMessage());
            assertFalse(host.run("test", "-e", path).ok());
            assertEquals(Map.of(), context.state().all(), "nothing to release");
        }
    }

    @Test
    void neverTouchesAFileItDidNotCreate() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(32).swapFolder().build()) {
            String path = host.swapDir().orElseThrow().resolve("swapfile").toString();
            host.run("sh", "-c", "echo precious > " + path).requireOk();
            var context = OnHost.context(host, settings(path, "8MiB"));

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> swapFile.acquire(context));
            swapFile.release(context);

            assertTrue(e.getMessage().contains(path + " already exists and swap-file did not create it"), e.getMessage());
            assertEquals("precious", host.run("cat", path).requireOk().text());

            String link = host.swapDir().orElseThrow().resolve("link").toString();
            host.run("ln", "-s", host.swapDir().orElseThrow().resolve("nowhere").toString(), link).requireOk();
            var linked = OnHost.context(host, settings(link, "8MiB"));
            assertThrows(IllegalStateException.class, () -> swapFile.acquire(linked), "a dangling symlink is not ours either");
            assertFalse(host.run("test", "-e", host.swapDir().orElseThrow().resolve("nowhere").toString()).ok());
        }
    }

    @Test
    void tmpfsCannotSwapAndTheErrorSaysSo() {
        try (SandboxHost host = SandboxHost.builder().tmpfs(32).build()) {
            String path = "/nix/swapfile";
            var context = OnHost.context(host, settings(path, "4MiB"));
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> swapFile.acquire(context));

                assertTrue(e.getMessage().startsWith("swapon " + path + " failed: "), e.getMessage());
                assertTrue(e.getMessage().contains("Invalid argument"), e.getMessage());
                assertTrue(e.getMessage().contains("tmpfs"), e.getMessage());
                assertFalse(host.run("test", "-e", path).ok(), "the half-made file is removed");
                assertEquals(Map.of(), context.state().all());
            } finally {
                swapOff(host, path);
            }
        }
    }

    @Test
    void noSwapFileWhenMemoryIsPlenty() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(32).swapFolder().build()) {
            String path = host.swapDir().orElseThrow().resolve("swapfile").toString();
            var context = OnHost.context(host, new SwapFile.Settings(path, ByteSize.of("8MiB"), ByteSize.of("1MiB"), ByteSize.of("1MiB"), null));

            swapFile.acquire(context);

            assertFalse(host.run("test", "-e", path).ok());
            assertEquals(Map.of(), context.state().all());
        }
    }
}
