package dev.inchworm.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.runtime.journal.ReclaimNote;
import dev.inchworm.runtime.journal.StepFailure;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Standard error's lines under journald: priorities, the JOURNAL_STREAM check, and the phase lines. */
class JournalLinesTest {

    @TempDir
    Path tmp;

    @Test
    void underTheJournalEveryLineOfAMessageCarriesItsPriority() {
        StringWriter text = new StringWriter();
        Stderr err = new Stderr(new PrintWriter(text), true);
        err.error("inchworm: it broke\n\tat somewhere\n");
        err.warning("inchworm: warning: careful");
        err.info("inchworm: building");
        assertEquals(List.of("<3>inchworm: it broke", "<3>\tat somewhere", "<4>inchworm: warning: careful",
                "<6>inchworm: building"), text.toString().lines().toList());
    }

    @Test
    void elsewhereLinesAreAsWritten() {
        StringWriter text = new StringWriter();
        new Stderr(new PrintWriter(text), false).error("inchworm: it broke");
        assertEquals("inchworm: it broke", text.toString().strip());
        assertEquals("<4>x", Stderr.format(Priority.WARNING, "x", true));
        assertEquals("x", Stderr.format(Priority.WARNING, "x", false));
    }

    @Test
    void slf4jLinesAndTheirStackTracesGetTheirLevelsAndPrefixedLinesPass() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(new PriorityLines(bytes), true, StandardCharsets.UTF_8);
        stream.print("[WARN] inchworm.engine - cannot size x\njava.io.IOException: no\n\tat a.b(C.java:1)\n");
        stream.println("[ERROR] inchworm.gc - gone");
        stream.println("Caused by: java.lang.Error");
        stream.println("<3>inchworm: already prefixed");
        stream.println("inchworm: crash point reached");
        assertEquals(List.of("<4>[WARN] inchworm.engine - cannot size x", "<6>java.io.IOException: no",
                "<6>\tat a.b(C.java:1)", "<3>[ERROR] inchworm.gc - gone", "<3>Caused by: java.lang.Error",
                "<3>inchworm: already prefixed", "<6>inchworm: crash point reached"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void journalStreamCountsOnlyWhenItNamesTheVeryFile() throws IOException {
        Path file = Files.createFile(tmp.resolve("stderr"));
        Map<String, Object> stat = Files.readAttributes(file, "unix:dev,ino");
        String named = stat.get("dev") + ":" + stat.get("ino");
        assertTrue(JournalStream.matches(named, file));
        Path other = Files.createFile(tmp.resolve("other"));
        assertFalse(JournalStream.matches(named, other), "a redirected stream inherits the variable");
        assertFalse(JournalStream.matches(null, file));
        assertFalse(JournalStream.matches("", file));
        assertFalse(JournalStream.matches("not:numbers", file));
        assertFalse(JournalStream.matches("12", file));
    }

    @Test
    void aPhaseIsOneLineWhenItStartsAndOneWhenItIsDoneWithBytesAndSeconds() {
        StepRecord planned = StepRecord.planned(2, "full-rebuild", new Step("the whole system",
                StorePath.of("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-sys.drv"),
                StorePath.of("/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-sys"), 0, List.of(), Optional.empty(), List.of()));
        assertEquals("inchworm: step 2 building: started", PhaseLines.started(2, StepPhase.BUILDING));
        StepRecord built = planned.withMeasurements(41L << 20, 9L << 20, 0).withPhase(StepPhase.SETTING_PROFILE);
        assertEquals("inchworm: step 2 building: done, peak 41.0 MiB used, 12.3 s",
                PhaseLines.ended(StepPhase.BUILDING, built, Duration.ofMillis(12_340)));
        StepRecord reclaimed = planned.withReclaimed(new ReclaimNote("gc", 3L << 20, "3 MiB freed"))
                .withMeasurements(0, 9L << 20, 0);
        assertEquals("inchworm: step 2 reclaiming: done, freed 3.0 MiB, 9.0 MiB free, 0.5 s",
                PhaseLines.ended(StepPhase.PLANNED, reclaimed, Duration.ofMillis(500)));
        StepRecord failed = built.failed(StepResult.Outcome.OUT_OF_DISK,
                new StepFailure(StepFailure.Kind.OUT_OF_DISK, "No space left on device\nmore", true, null, 0));
        assertEquals("inchworm: step 2 building: failed (out-of-disk), peak 41.0 MiB used, 2.0 s: No space left on device",
                PhaseLines.ended(StepPhase.BUILDING, failed, Duration.ofSeconds(2)));
    }

    @Test
    void throughTheCommandLineErrorsAndWarningsCarryTheirPriorities() throws IOException {
        Files.createDirectories(tmp.resolve("repo"));
        Path missing = tmp.resolve("missing.yaml");
        Files.writeString(missing, "host: h\nsystem: {repository: /no/such/repo, expression: d.nix, attribute: s}\n");
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "host: h\nswitch: reboot\n");
        String warned = run("config", "validate", "--no-plugins", missing.toString());
        assertTrue(warned.startsWith("<4>inchworm: warning: "), warned);
        String refused = run("config", "validate", "--no-plugins", bad.toString());
        assertTrue(refused.startsWith("<3>inchworm: " + bad), refused);
        assertTrue(refused.lines().allMatch(l -> l.startsWith("<3>")), refused);
    }

    private String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = InchwormCommand.commandLine(new CliEnvironment(Map.of(), Optional.empty(), p -> null, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        cli.execute(args);
        return err.toString();
    }
}
