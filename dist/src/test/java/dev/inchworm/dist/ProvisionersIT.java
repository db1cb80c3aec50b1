package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.testkit.ProfileFile;
import dev.inchworm.testkit.SandboxHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swap-file}, {@code journald-trim} and {@code stop-services} (against a systemctl
 * stand-in) through {@code inchworm upgrade}: the assembled CLI
 * on a loop-ext4 sandbox host whose swap folder and journal folder share the small disk with the
 * store. The swap file is on and the services stopped whenever a step builds, and both are
 * undone when the run is over: after an upgrade, after a failed one, and after a crash at any
 * journal write followed by a second run.
 */
class ProvisionersIT {

    static final String JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote";

    @TempDir
    Path tmp;

    static SandboxRun loopHost(Path work) throws IOException {
        return new SandboxRun(SandboxHost.builder().loopExt4(96).swapFolder().journal(), work);
    }

    static String swapPath(SandboxRun run) {
        return run.host.swapDir().orElseThrow().resolve("swapfile").toString();
    }

    /** swap-file (8 MiB in the swap folder) and journald-trim (on the journal folder) after gc. */
    static SandboxRun withPlugins(SandboxRun run) {
        return run.profile(p -> withPlugins(p, run));
    }

    static ProfileFile withPlugins(ProfileFile profile, SandboxRun run) {
        return profile.reclaimers("gc")
                .addReclaimer("journald-trim", Map.of("directory", run.host.journalDir().orElseThrow().toString(),
                        "keep", "1MiB"))
                .addProvisioner("swap-file", Map.of("path", swapPath(run), "size", "8MiB", "keepFree", "1MiB"))
                .addProvisioner("stop-services", Map.of("units", List.of("nginx", "grafana"),
                        "systemctl", systemctl(run).toString()));
    }

    /**
     * A systemctl stand-in (no systemd as PID 1 here): units are marker files in
     * {@code WORK/units}, nginx and grafana running at first; every call is appended to {@code WORK/units/calls}.
     */
    static Path systemctl(SandboxRun run) {
        Path dir = run.work.resolve("units");
        Path program = dir.resolve("systemctl");
        try {
            if (!Files.exists(program)) {
                Files.createDirectories(dir.resolve("active"));
                Files.writeString(dir.resolve("active/nginx.service"), "");
                Files.writeString(dir.resolve("active/grafana.service"), "");
                Files.writeString(program, """
                        #!/bin/sh
                        dir='%s'
                        echo "$*" >> "$dir/calls"
                        case "$1" in
                          is-active) if [ -e "$dir/active/$2" ]; then echo active; exit 0; fi; echo inactive; exit 3 ;;
                          stop) rm -f "$dir/active/$2" ;;
                          start) touch "$dir/active/$2" ;;
                          *) exit 1 ;;
                        esac
                        """.formatted(dir));
                Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return program;
    }

    static boolean running(SandboxRun run, String unit) {
        return Files.exists(run.work.resolve("units/active").resolve(unit));
    }

    static void assertServicesBack(SandboxRun run, String where) {
        assertTrue(running(run, "nginx.service") && running(run, "grafana.service"), where + "the services run again");
    }

    static List<String> swaps(SandboxRun run) {
        List<String> lines = run.host.run("cat", "/proc/swaps").requireOk().lines();
        return lines.subList(1, lines.size()).stream().map(l -> l.trim().split("\\s+")[0]).toList();
    }

    static void assertSwapGone(SandboxRun run, String where) {
        assertFalse(swaps(run).contains(swapPath(run)), where + "swapped off: " + swaps(run));
        assertFalse(run.host.run("test", "-e", swapPath(run)).ok(), where + "the swap file is deleted");
    }

    static void swapOff(SandboxRun run) {
        if (swaps(run).contains(swapPath(run))) {
            run.host.run("swapoff", swapPath(run));
        }
    }

    @Test
    void aStepShortOfSpaceTrimsTheJournalAndTheSwapFileIsGoneAfterTheUpgrade() throws Exception {
        try (SandboxRun run = withPlugins(loopHost(tmp)).routineUpdate()) {
            try {
                String active = journal(run, 4, 2000).get(4);
                // journal-remote rotates files on a small disk itself: count what is archived now
                List<String> archivedFiles = run.host.run("find", run.host.journalDir().orElseThrow().toString(),
                        "-name", "*@*.journal").requireOk().lines().stream().filter(l -> !l.isBlank()).toList();
                assertTrue(archivedFiles.size() >= 4, archivedFiles.toString());
                long archived = archivedFiles.stream().mapToLong(f -> allocated(run, f)).sum();
                // a reserve no reclaimer can meet: gc runs, then journald-trim down to its keep, then the build
                run.profile(p -> withPlugins(p, run).set("engine", Map.of("reserve", "1GiB")));

                Dist.Result r = run.upgrade();

                assertEquals(0, r.code(), r.out() + r.err());
                JsonNode report = run.json(r);
                assertEquals("upgraded", report.get("result").asText());
                List<String> order = new ArrayList<>();
                long trimmed = -1;
                for (JsonNode note : report.get("steps").get(0).get("reclaimed")) {
                    order.add(note.get("reclaimer").asText());
                    if (note.get("reclaimer").asText().equals("journald-trim")) {
                        trimmed = note.get("freedBytes").asLong();
                    }
                }
                assertEquals(List.of("gc", "journald-trim"), order, "cheapest first: " + report);
                assertEquals(archived, trimmed, "every archived file's bytes: " + report);
                archivedFiles.forEach(f -> assertFalse(run.host.run("test", "-e", f).ok(), f + " deleted"));
                assertTrue(run.host.run("test", "-e", active).ok(), "the active file stays");
                assertSwapGone(run, "");
                assertServicesBack(run, "");
                assertEquals(List.of("is-active nginx.service", "stop nginx.service", "is-active grafana.service",
                        "stop grafana.service", "start grafana.service", "start nginx.service"),
                        Files.readAllLines(run.work.resolve("units/calls")));
            } finally {
                swapOff(run);
            }
        }
    }

    @Test
    void aFailedUpgradeReleasesTheSwapFileToo() throws Exception {
        try (SandboxRun run = withPlugins(loopHost(tmp)).target("break curl", p -> p.bump("curl").breakBuild("curl"))) {
            try {
                Dist.Result r = run.upgrade();

                assertEquals(3, r.code(), r.out() + r.err());
                assertEquals("rolled-back", run.json(r).get("result").asText());
                assertSwapGone(run, "");
                assertServicesBack(run, "");
            } finally {
                swapOff(run);
            }
        }
    }

    /**
     * Killed after each journal write in turn: while the run waits at its crash point, a swap file
     * is on only when the journal notes it (write-ahead), and it is on whenever a step builds; the
     * next run ends the upgrade and leaves no swap file.
     */
    @Test
    void killedAtEachTransitionTheNextRunLeavesNoSwapFile() throws Exception {
        // Where the provisioners act: the run's decisions (swap on, services stopped, before the
        // first step; released at the end) and the first build; found from a first run's journal
        // debug log. The other step phases are a plain run's own, which CrashIT kills at.
        List<String> writes;
        try (SandboxRun probe = withPlugins(loopHost(Files.createDirectories(tmp.resolve("probe")))).routineUpdate()) {
            try {
                writes = KillLoop.writesOf(probe);
            } finally {
                swapOff(probe);
            }
        }
        List<Integer> aimed = new ArrayList<>(KillLoop.decisions(writes));
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i).contains(" BUILDING") && !aimed.contains(i + 1)) {
                aimed.add(i + 1);
                break;
            }
        }
        assertTrue(writes.size() >= 8 && aimed.size() >= 4, "the run's journal writes: " + writes);
        AtomicInteger building = new AtomicInteger();
        // One host at a time: /proc/swaps is the machine's, and each host's swap file has the same path in it.
        int killed = 0;
        for (int n : aimed) {
            killed += killedAndLeftClean(n, building) ? 1 : 0;
        }
        assertEquals(aimed.size(), killed, "killed at " + aimed + " of " + writes.size());
        assertTrue(building.get() > 0, "no crash point was inside a build");
    }

    /** One trial: killed after write {@code n}, checked at the crash point, then the next run. */
    private boolean killedAndLeftClean(int n, AtomicInteger building) throws Exception {
        try (SandboxRun run = withPlugins(loopHost(Files.createDirectories(tmp.resolve("run-" + n)))).routineUpdate()) {
            String where = "killed after journal write " + n + ": ";
            int[] sawBuilding = {0};
            try {
                boolean killed = run.upgradeKilledAfterWrite(n, () -> {
                    JsonNode journal = readJournal(run);
                    boolean on = swaps(run).contains(swapPath(run));
                    boolean noted = swapPath(run).equals(journal.at("/notes/provisioner:swap-file/path").asText());
                    assertTrue(!on || noted, where + "a swap file is on that the journal does not note: " + journal);
                    boolean stepBuilding = StreamSupport.stream(journal.get("steps").spliterator(), false)
                            .anyMatch(s -> s.get("phase").asText().equals("BUILDING"));
                    boolean stopped = !running(run, "nginx.service") || !running(run, "grafana.service");
                    JsonNode stoppedNote = journal.at("/notes/provisioner:stop-services/stopped");
                    assertTrue(!stopped || !stoppedNote.isMissingNode(),
                            where + "a service is stopped that the journal does not note: " + journal);
                    if (stepBuilding) {
                        assertTrue(on, where + "a step builds without the swap file: " + swaps(run));
                        assertFalse(running(run, "nginx.service") || running(run, "grafana.service"),
                                where + "a step builds with the services still running");
                        sawBuilding[0]++;
                    }
                });
                if (!killed) {
                    return false;
                }
                building.addAndGet(sawBuilding[0]);

                Dist.Result next = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");

                assertTrue(next.code() == 0 || next.code() == 3, where + next.out() + next.err());
                assertSwapGone(run, where);
                assertServicesBack(run, where);
                assertEquals("", run.lockText(), where + "the lock is free");
                return true;
            } finally {
                swapOff(run);
            }
        }
    }

    static JsonNode readJournal(SandboxRun run) {
        try {
            return SandboxRun.JSON.readTree(run.stateDir().resolve("journal.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Real journal files in the host's journal folder: {@code archived} files, oldest first, then
     * the active {@code system.journal}; each of {@code entries} entries of random text.
     */
    static List<String> journal(SandboxRun run, int archived, int entries) throws IOException {
        Path dir = run.host.journalDir().orElseThrow();
        long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        List<String> files = new ArrayList<>();
        for (int i = 1; i <= archived; i++) {
            long start = now - (archived - i + 1) * 3_600_000_000L;
            files.add(journalFile(run, dir.resolve(String.format(Locale.ROOT,
                    "system@0123456789abcdef0123456789abcdef-%016x-%016x.journal", i, start)), start, entries));
        }
        files.add(journalFile(run, dir.resolve("system.journal"), now, entries));
        return files;
    }

    private static String journalFile(SandboxRun run, Path file, long start, int entries) throws IOException {
        Random random = new Random(start);
        StringBuilder export = new StringBuilder();
        for (int i = 0; i < entries; i++) {
            byte[] text = new byte[100];
            random.nextBytes(text);
            export.append("__REALTIME_TIMESTAMP=").append(start + i * 1000L).append("\n__MONOTONIC_TIMESTAMP=")
                    .append(i * 1000L).append("\n_BOOT_ID=0123456789abcdef0123456789abcdef\nMESSAGE=")
                    .append(HexFormat.of().formatHex(text)).append("\n\n");
        }
        Path input = Files.createTempFile(run.work, "export", ".txt");
        Files.writeString(input, export, StandardCharsets.UTF_8);
        run.host.run(JOURNAL_REMOTE, "--output=" + file, input.toString()).requireOk();
        Files.delete(input);
        return file.toString();
    }

    static long allocated(SandboxRun run, String path) {
        return Long.parseLong(run.host.run("stat", "-c", "%b", path).requireOk().text()) * 512;
    }
}
