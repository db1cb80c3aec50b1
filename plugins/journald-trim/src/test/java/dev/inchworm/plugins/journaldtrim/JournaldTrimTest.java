package dev.inchworm.plugins.journaldtrim;

import dev.inchworm.api.ByteSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.testkit.SandboxHost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Vacuuming real journal files on the small disk of a sandbox host. */
class JournaldTrimTest {

    static final long MIB = 1L << 20;
    static final long DAY = TimeUnit.DAYS.toMicros(1);
    static final long NOW = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());

    final JournaldTrim trim = new JournaldTrim();

    /** Four archived files (two a year old, two from today, oldest first) and the active one. */
    static List<String> journal(SandboxHost host, Path dir) {
        List<String> files = new ArrayList<>();
        files.add(JournalFiles.archived(host, dir, 1, NOW - 400 * DAY));
        files.add(JournalFiles.archived(host, dir, 2, NOW - 390 * DAY));
        files.add(JournalFiles.archived(host, dir, 3, NOW - 2 * 3600_000_000L));
        files.add(JournalFiles.archived(host, dir, 4, NOW - 3600_000_000L));
        files.add(JournalFiles.active(host, dir, NOW));
        return files;
    }

    static boolean exists(SandboxHost host, String path) {
        return host.run("test", "-e", path).ok();
    }

    static long allocated(SandboxHost host, List<String> files) {
        return files.stream().mapToLong(f -> JournalFiles.allocated(host, f)).sum();
    }

    static List<String> existing(SandboxHost host, List<String> files) {
        return files.stream().filter(f -> exists(host, f)).toList();
    }

    @Test
    void vacuumsTheOldestArchivedFilesUntilEnoughIsFree() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(64).journal().build()) {
            Path dir = host.journalDir().orElseThrow();
            List<String> files = journal(host, dir);
            long oldest = JournalFiles.allocated(host, files.get(0));
            long oldestTwo = allocated(host, files.subList(0, 2));
            assertTrue(oldest > 512 * 1024, "a file of real size: " + oldest);
            long freeBefore = host.freeBytes();

            // a bit more than the oldest file: the two oldest must go
            Reclaimed reclaimed = trim.reclaim(OnHost.context(host, new JournaldTrim.Settings(dir.toString(), ByteSize.of("1MiB"), null)),
                    oldest + 4096);

            assertEquals(oldestTwo, reclaimed.freedBytes());
            assertEquals(files.subList(2, 5), existing(host, files), "the newer archived files and the active one stay");
            assertTrue(host.freeBytes() - freeBefore >= oldestTwo - 64 * 1024,
                    "the small disk has the bytes back: " + (host.freeBytes() - freeBefore));
            assertTrue(reclaimed.summary().startsWith("vacuumed " ) && reclaimed.summary().contains(
                    " of journal in " + dir + " (2 archived files deleted, "), reclaimed.summary());
        }
    }

    @Test
    void neverVacuumsBelowKeepNorTheActiveFile() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(64).journal().build()) {
            Path dir = host.journalDir().orElseThrow();
            List<String> files = journal(host, dir);
            long lastTwo = allocated(host, files.subList(3, 5));
            long firstThree = allocated(host, files.subList(0, 3));
            var context = OnHost.context(host, new JournaldTrim.Settings(dir.toString(), ByteSize.ofBytes(lastTwo + 4096), null));

            Reclaimed reclaimed = trim.reclaim(context, 1L << 30);

            assertEquals(files.subList(3, 5), existing(host, files), "kept: the newest archived file and the active one");
            assertEquals(firstThree, reclaimed.freedBytes());
            assertEquals(lastTwo, JournaldTrim.measure(context, context.settings()).total());

            Reclaimed again = new JournaldTrim().reclaim(
                    OnHost.context(host, new JournaldTrim.Settings(dir.toString(), ByteSize.of("0"), null)), 1L << 30);
            assertEquals(List.of(files.get(4)), existing(host, files), "the active file is never deleted");
            assertTrue(again.freedBytes() > 0, again.toString());
        }
    }

    @Test
    void keepingMoreThanThereIsFreesNothing() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(64).journal().build()) {
            Path dir = host.journalDir().orElseThrow();
            List<String> files = journal(host, dir);

            Reclaimed reclaimed = trim.reclaim(OnHost.context(host, new JournaldTrim.Settings(dir.toString(), ByteSize.of("64MiB"), null)),
                    8 * MIB);

            assertEquals(0, reclaimed.freedBytes());
            assertTrue(reclaimed.summary().startsWith("journal in " + dir + ": nothing archived to delete ("),
                    reclaimed.summary());
            assertTrue(reclaimed.summary().endsWith("in use, keep 64.0 MiB)"), reclaimed.summary());
            assertEquals(files, existing(host, files));
        }
    }

    @Test
    void maxAgeDeletesOldArchivedFilesFirstWhateverKeepSays() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(64).journal().build()) {
            Path dir = host.journalDir().orElseThrow();
            List<String> files = journal(host, dir);
            long yearOld = allocated(host, files.subList(0, 2));

            Reclaimed reclaimed = trim.reclaim(OnHost.context(host, new JournaldTrim.Settings(dir.toString(), ByteSize.of("1GiB"), "30d")),
                    1);

            assertEquals(files.subList(2, 5), existing(host, files), "the year-old files are gone, today's kept");
            assertEquals(yearOld, reclaimed.freedBytes());
        }
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        try (SandboxHost host = SandboxHost.builder().loopExt4(32).journal().build()) {
            String missing = host.journalDir().orElseThrow().resolve("nope").toString();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> trim.reclaim(OnHost.context(host, new JournaldTrim.Settings(missing, null, null)), MIB));
            assertEquals("journald-trim: the journal directory " + missing + " does not exist", e.getMessage());
        }
    }

    @Test
    void costsHistoryAndChecksItsSettings() {
        assertEquals(Reclaimer.COST_HISTORY, trim.cost());
        JournaldTrim.Settings defaults = new JournaldTrim.Settings(null, null, null);
        assertEquals(16 * MIB, defaults.keepBytes());
        assertEquals("/var/log/journal", defaults.measured());
        assertEquals("directory must be an absolute path: 'log'", assertThrows(IllegalArgumentException.class,
                () -> new JournaldTrim.Settings("log", null, null)).getMessage());
        assertEquals("keep: not a size: 'some' (write bytes as a number, or e.g. 64MiB, 1.5GiB, 512M)",
                assertThrows(IllegalArgumentException.class, () -> new JournaldTrim.Settings(null, ByteSize.of("keep", "some"), null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new JournaldTrim.Settings(null, null, "last; rm -rf"));
        assertEquals(new JournaldTrim.Usage(java.util.Map.of("/j/a.journal", 8192L, "/j/b b.journal~", 512L)),
                JournaldTrim.parse("16 /j/a.journal\n1 /j/b b.journal~\n"));
        IllegalStateException odd = assertThrows(IllegalStateException.class,
                () -> JournaldTrim.parse("16 /j/a.journal\nfind: '/j/x': Permission denied\n"));
        assertTrue(odd.getMessage().contains("unexpected line from find"), odd.getMessage());
    }
}
