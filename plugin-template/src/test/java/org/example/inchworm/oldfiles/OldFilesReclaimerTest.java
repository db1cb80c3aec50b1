package org.example.inchworm.oldfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.storage.StorageReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class OldFilesReclaimerTest {

    @TempDir
    Path folder;

    /** The narrow context a reclaimer gets; only settings and the logger are used. */
    static ReclaimContext<OldFilesReclaimer.Settings> context(OldFilesReclaimer.Settings settings) {
        Host host = new Host() {
            public String name() { return "test"; }
            public Nix nix() { throw new UnsupportedOperationException(); }
            public SystemSource source() { throw new UnsupportedOperationException(); }
            public CommandRunner commands() { throw new UnsupportedOperationException(); }
            public StorageReport storage() { throw new UnsupportedOperationException(); }
            public Path stateDir() { throw new UnsupportedOperationException(); }
            public Logger log() { return LoggerFactory.getLogger("old-files-test"); }
        };
        return new ReclaimContext<>() {
            public OldFilesReclaimer.Settings settings() { return settings; }
            public Host host() { return host; }
            public PluginState state() { throw new UnsupportedOperationException(); }
            public Set<Integer> protectedGenerations() { return Set.of(); }
        };
    }

    private Path file(String name, int bytes, int daysOld) throws IOException {
        Path p = folder.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofDays(daysOld))));
        return p;
    }

    @Test
    void deletesOldMatchingFilesOldestFirstUntilEnoughIsFree() throws IOException {
        Path oldest = file("a.log", 100, 40);
        Path older = file("b.log", 100, 35);
        Path young = file("c.log", 100, 1);
        Path other = file("d.txt", 100, 50);
        var settings = new OldFilesReclaimer.Settings(folder.toString(), "*.log", 30);

        Reclaimed r = new OldFilesReclaimer().reclaim(context(settings), 50);

        assertEquals(100, r.freedBytes());
        assertFalse(Files.exists(oldest));
        assertTrue(Files.exists(older), "stops once enough is freed");
        assertTrue(Files.exists(young));
        assertTrue(Files.exists(other));
        assertTrue(r.summary().contains("deleted 1 file(s)"), r.summary());
    }

    @Test
    void deepGlobsReachSubfoldersAndSymlinksAreLeftAlone() throws IOException {
        Path deep = file("x/y/z.log", 10, 100);
        Path target = file("keep/target.log", 10, 100);
        Path link = Files.createSymbolicLink(folder.resolve("link.log"), target);
        var settings = new OldFilesReclaimer.Settings(folder.toString(), "x/**.log", 30);

        Reclaimed r = new OldFilesReclaimer().reclaim(context(settings), Long.MAX_VALUE);

        assertEquals(10, r.freedBytes());
        assertFalse(Files.exists(deep));
        assertTrue(Files.exists(target));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void settingsHaveDefaultsAndRejectNonsense() {
        var s = new OldFilesReclaimer.Settings("/var/cache", null, null);
        assertEquals("**", s.glob());
        assertEquals(30, s.olderThanDays());
        assertThrows(IllegalArgumentException.class, () -> new OldFilesReclaimer.Settings(null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new OldFilesReclaimer.Settings("relative", null, null));
        assertThrows(IllegalArgumentException.class, () -> new OldFilesReclaimer.Settings("/x", null, -1));
    }

    @Test
    void aMissingFolderReclaimsNothing() {
        var settings = new OldFilesReclaimer.Settings(folder.resolve("gone").toString(), null, 0);
        assertEquals(0, new OldFilesReclaimer().reclaim(context(settings), 1).freedBytes());
    }
}
