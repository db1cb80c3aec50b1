package dev.inchworm.runtime.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    static final StorePath OLD = new StorePath("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-old");
    static final StorePath NEW = new StorePath("/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-new");
    static final StorePath NEW_DRV = new StorePath("/nix/store/cccccccccccccccccccccccccccccccc-nixos-system-new.drv");
    static final Revision FROM = new Revision("1".repeat(40));
    static final Revision TO = new Revision("2".repeat(40));

    @TempDir
    Path state;

    static RunRecord begun() {
        return RunRecord.begin("run-1", "vps-1", Instant.parse("2026-01-02T03:04:05Z"),
                new InitialSystem(3, OLD, null, FROM), TO);
    }

    @Test
    void aRunWithEveryKindOfFieldReadsBackEqual() throws Exception {
        Journal journal = Journal.open(state, CrashPoint.none());
        assertTrue(journal.run().isEmpty());
        Step step = new Step("full rebuild", NEW_DRV, NEW, 1234, List.of("hello"), Optional.of(TO));
        RunRecord run = begun().withTarget(new Target(NEW_DRV, NEW))
                .withPass(new StrategyPass("package-stepping", "nothing to mask"))
                .withStepAdded(StepRecord.planned(1, "full-rebuild", step))
                .withLastStep(s -> s.withReclaimed(new ReclaimNote("gc", 10, "collected 2 paths"))
                        .withMeasurements(99, 88, 77).withGeneration(4)
                        .failed(StepResult.Outcome.OUT_OF_DISK,
                                StepFailure.of(new NixFailure.OutOfDisk(true, "No space left on device"))))
                .withProvisioners(List.of("swap-file"))
                .withNotes("provisioner:swap-file", Map.of("file", "/swap"))
                .withFailure(new RunFailure("out of disk", 2000L, 1000L))
                .withResult(RunResult.ROLLED_BACK, OLD, Instant.parse("2026-01-02T03:05:00Z"))
                .withPhase(RunPhase.FINISHED);
        journal.write(run);

        RunRecord read = Journal.read(state).orElseThrow();
        assertEquals(run, read);
        assertEquals(1, read.strategyIndex());
        assertEquals(new NixFailure.OutOfDisk(true, "No space left on device"),
                read.steps().get(0).failure().toNixFailure());
        assertEquals(step, read.steps().get(0).step());
        assertTrue(Files.readString(journal.path()).contains("\"rolled-back\""), "results are spelled as in reports");
    }

    @Test
    void eachWriteReplacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        Journal journal = Journal.open(state, CrashPoint.none());
        journal.write(begun());
        journal.update(r -> r.withPhase(RunPhase.ROLLING_BACK));
        assertEquals(RunPhase.ROLLING_BACK, Journal.read(state).orElseThrow().phase());
        assertEquals(2, journal.writes());
        try (var files = Files.list(state)) {
            assertEquals(List.of(Journal.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aCorruptJournalIsAnErrorNamingTheFile() throws Exception {
        Files.writeString(state.resolve(Journal.FILE_NAME), "{\"format\": 1, \"runId\": \"x\", \"phas", StandardCharsets.UTF_8);
        JournalException e = assertThrows(JournalException.class, () -> Journal.open(state, CrashPoint.none()));
        assertTrue(e.getMessage().contains(state.resolve(Journal.FILE_NAME).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void aJournalWithAnUnknownKeyOrABadStorePathIsCorrupt() throws Exception {
        Journal.open(state, CrashPoint.none()).write(begun());
        String good = Files.readString(state.resolve(Journal.FILE_NAME));
        Files.writeString(state.resolve(Journal.FILE_NAME), good.replace("\"host\"", "\"hostname\""));
        assertThrows(JournalException.class, () -> Journal.read(state));
        Files.writeString(state.resolve(Journal.FILE_NAME), good.replace(OLD.path(), "/tmp/not-a-store-path"));
        assertThrows(JournalException.class, () -> Journal.read(state));
        Files.writeString(state.resolve(Journal.FILE_NAME), "");
        assertThrows(JournalException.class, () -> Journal.read(state));
    }

    @Test
    void theCrashPointFiresRightAfterTheNthWriteWhichIsDurable() {
        class Crash extends Error {
            private static final long serialVersionUID = 1L;
        }
        Journal journal = Journal.open(state, CrashPoint.afterWrite(2, () -> {
            throw new Crash();
        }));
        journal.write(begun());
        assertThrows(Crash.class, () -> journal.update(r -> r.withPhase(RunPhase.FINISHING)));
        assertEquals(RunPhase.FINISHING, Journal.read(state).orElseThrow().phase());
    }

    @Test
    void theCrashPointIsReadFromTheEnvironment() {
        assertThrows(IllegalArgumentException.class,
                () -> CrashPoint.fromEnvironment(Map.of(CrashPoint.ENVIRONMENT_VARIABLE, "soon"), () -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> CrashPoint.fromEnvironment(Map.of(CrashPoint.ENVIRONMENT_VARIABLE, "0"), () -> { }));
        int[] crashed = {0};
        Journal journal = Journal.open(state,
                CrashPoint.fromEnvironment(Map.of(CrashPoint.ENVIRONMENT_VARIABLE, "1"), () -> crashed[0]++));
        journal.write(begun());
        journal.write(begun());
        assertEquals(1, crashed[0]);
    }

    @Test
    void pluginNotesAreWrittenBeforePutReturnsAndKeptPerOwner() {
        Journal journal = Journal.open(state, CrashPoint.none());
        journal.write(begun());
        JournalPluginState swap = new JournalPluginState(journal, "provisioner:swap-file");
        JournalPluginState other = new JournalPluginState(journal, "strategy:full-rebuild");
        swap.put("file", "/var/swap");
        other.put("file", "elsewhere");
        assertEquals(Map.of("file", "/var/swap"), Journal.read(state).orElseThrow().notes().get("provisioner:swap-file"));
        int writes = journal.writes();
        swap.put("file", "/var/swap");
        assertEquals(writes, journal.writes(), "an unchanged note is not written again");
        swap.remove("file");
        assertFalse(Journal.read(state).orElseThrow().notes().containsKey("provisioner:swap-file"));
        assertEquals(Optional.of("elsewhere"), other.get("file"));
    }

    @Test
    void installedRevisionsAreFoundByToplevel() {
        InstalledRevisions installed = InstalledRevisions.open(state);
        assertTrue(installed.revisionOf(OLD).isEmpty());
        installed.record(OLD, FROM, Instant.now());
        installed.record(NEW, TO, Instant.now());
        InstalledRevisions reread = InstalledRevisions.open(state);
        assertEquals(Optional.of(FROM), reread.revisionOf(OLD));
        assertEquals(Optional.of(TO), reread.revisionOf(NEW));
    }

    @Test
    void unreadableInstalledRevisionsNameTheFile() throws Exception {
        Files.writeString(state.resolve(InstalledRevisions.FILE_NAME), "[{]");
        JournalException e = assertThrows(JournalException.class, () -> InstalledRevisions.open(state));
        assertTrue(e.getMessage().contains(InstalledRevisions.FILE_NAME), e.getMessage());
    }
}
