package dev.inchworm.runtime.exec;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.host.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessRunnerTest {

    private static final Map<String, String> BASE = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");

    @TempDir
    Path logs;

    private ProcessRunner runner(List<String> prefix, int bound) {
        return new ProcessRunner(prefix, BASE, logs, bound, 40);
    }

    private ProcessRunner runner() {
        return runner(List.of(), ProcessRunner.DEFAULT_STDOUT_BOUND);
    }

    @Test
    void timeoutKillsTheWholeProcessTree() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Command command = Command.of("sh", "-c", "sleep 100 & echo $!; sleep 100 & echo $!; wait")
                .withTimeout(Duration.ofMillis(1500)).withLineListener(lines::add);

        CommandResult result = runner().run(command);

        assertTrue(result.timedOut());
        assertFalse(result.ok());
        assertEquals(2, lines.size(), "both children reported their pid: " + lines);
        for (String pid : lines) {
            assertTrue(dead(Long.parseLong(pid.strip())), "child " + pid + " still runs");
        }
    }

    @Test
    void timeoutKillsAChildThatOutlivedItsParent() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Command command = Command.of("sh", "-c", "sleep 100 & echo $!; sleep 0.5")
                .withTimeout(Duration.ofMillis(2500)).withLineListener(lines::add);

        CommandResult result = runner().run(command);

        assertTrue(result.timedOut(), "the orphan kept stdout open until the timeout");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(dead(Long.parseLong(lines.get(0).strip())), "orphan " + lines.get(0) + " still runs");
    }

    /** Gone, or a zombie waiting for a reaper: either way it runs no more. */
    private static boolean dead(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            char state = text.charAt(text.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException gone) {
            return true;
        }
    }

    @Test
    void outputBeyondTheBoundIsLoggedOnlyWhenTheCommandFailsAndThenCut() throws IOException {
        int bound = 64 * 1024;
        long total = 64L << 20;
        List<Integer> pieces = Collections.synchronizedList(new ArrayList<>());
        Command failing = Command.of("sh", "-c", "head -c " + total + " /dev/zero; exit 3")
                .withLineListener(line -> pieces.add(line.length()));

        CommandResult failed = runner(List.of(), bound).run(failing);
        CommandResult succeeded = runner(List.of(), bound).run(Command.of("head", "-c", Long.toString(total), "/dev/zero"));

        assertEquals(3, failed.exitCode());
        assertTrue(failed.truncated());
        assertEquals(bound, failed.stdout().length(), "kept stdout is the bound");
        Path log = failed.logFile().orElseThrow();
        assertTrue(log.startsWith(logs), "log under the log folder: " + log);
        assertEquals(ProcessRunner.LOG_BYTES, Files.size(log), "the log holds the output's first 2 MiB");
        assertTrue(pieces.stream().allMatch(n -> n <= LineSplitter.MAX_LINE),
                "a line without newline reaches the listener in bounded pieces");
        assertEquals(total, pieces.stream().mapToLong(Integer::longValue).sum());
        assertTrue(succeeded.ok() && succeeded.truncated());
        assertTrue(succeeded.logFile().isEmpty(), "a command that succeeded leaves no log");
        try (var files = Files.list(logs)) {
            assertEquals(List.of(log), files.toList());
        }
    }

    @Test
    void theLogsOfOneRunnerTogetherStayUnderTheirCap() throws IOException {
        ProcessRunner runner = runner(List.of(), 1024);
        for (int i = 0; i < 5; i++) {
            assertFalse(runner.run(Command.of("sh", "-c", "head -c 3000000 /dev/zero; exit 1")).ok());
        }

        long kept;
        try (var files = Files.list(logs)) {
            kept = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertEquals(ProcessRunner.LOGS_BYTES, kept);
    }

    @Test
    void aStdoutReaderGetsTheWholeOutputAndNothingIsKeptOrLogged() throws IOException {
        long[] read = {0};
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Command command = Command.of("head", "-c", Long.toString(8L << 20), "/dev/zero")
                .withLineListener(lines::add)
                .withStdoutReader(in -> read[0] = in.transferTo(java.io.OutputStream.nullOutputStream()));

        CommandResult result = runner(List.of(), 1024).run(command);

        assertTrue(result.ok());
        assertEquals(8L << 20, read[0]);
        assertEquals("", result.stdout());
        assertFalse(result.truncated());
        assertTrue(lines.isEmpty(), "standard output is the reader's only");
        assertFalse(Files.exists(logs) && Files.list(logs).findAny().isPresent());
    }

    @Test
    void whatTheStdoutReaderThrowsTheRunThrowsAfterTheProcessEnded() {
        Command command = Command.of("head", "-c", "1000000", "/dev/zero").withStdoutReader(in -> {
            in.read();
            throw new IllegalStateException("bad output");
        });

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner().run(command));
        assertEquals("bad output", e.getMessage());
    }

    @Test
    void shortOutputIsKeptWholeWithoutLogFile() {
        CommandResult result = runner().run(Command.of("printf", "a\\nb\\n"));

        assertEquals("a\nb\n", result.stdout());
        assertFalse(result.truncated());
        assertTrue(result.logFile().isEmpty());
    }

    @Test
    void argumentsReachTheProgramUnchanged() {
        String argument = "two words \"double\" 'single' $(touch /tmp/inchworm-pwned) `id` ; | > * \\ $HOME";

        CommandResult result = runner().run(Command.of("printf", "%s", argument));

        assertEquals(argument, result.stdout());
        assertFalse(Files.exists(Path.of("/tmp/inchworm-pwned")));
    }

    @Test
    void prefixIsPrependedOnHostOnly() {
        ProcessRunner runner = runner(List.of("env", "INCHWORM_PREFIXED=yes"), 1024);
        Command command = Command.of("sh", "-c", "printf %s \"$INCHWORM_PREFIXED\"");

        CommandResult onHost = runner.run(command);
        CommandResult local = runner.run(command.local());

        assertEquals("yes", onHost.stdout());
        assertEquals(List.of("env", "INCHWORM_PREFIXED=yes", "sh", "-c", "printf %s \"$INCHWORM_PREFIXED\""),
                onHost.argv());
        assertEquals("", local.stdout());
        assertEquals("sh", local.argv().get(0));
    }

    @Test
    void environmentIsTheBaseWithTheCommandsOnTop() {
        ProcessRunner runner = new ProcessRunner(List.of(),
                Map.of("PATH", "/usr/bin:/bin", "A", "base", "KEEP", "kept"), logs, 1024, 40);

        CommandResult result = runner.run(Command.of("env")
                .withEnvironment(Map.of("A", "command", "B", "added")));

        List<String> vars = result.stdout().lines().sorted().toList();
        assertEquals(List.of("A=command", "B=added", "KEEP=kept", "PATH=/usr/bin:/bin"), vars,
                "nothing of the JVM's environment leaks in");
    }

    @Test
    void listenerReceivesLinesOfBothStreams() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CommandResult result = runner().run(Command.of("sh", "-c", "echo one; echo two >&2; printf three")
                .withLineListener(lines::add));

        assertTrue(lines.containsAll(List.of("one", "two", "three")), lines.toString());
        assertEquals(3, lines.size());
        assertEquals(List.of("two"), result.stderrTail());
    }

    @Test
    void stderrKeepsTheLastLines() {
        CommandResult result = runner().run(Command.of("sh", "-c", "seq 1 100 >&2; exit 3"));

        assertEquals(3, result.exitCode());
        assertEquals(40, result.stderrTail().size());
        assertEquals("61", result.stderrTail().get(0));
        assertEquals("100", result.stderrTail().get(39));
    }

    @Test
    void killedBySignalExitsWith128PlusTheSignal() {
        CommandResult result = runner().run(Command.of("sh", "-c", "kill -TERM $$"));

        assertEquals(128 + 15, result.exitCode());
        assertFalse(result.timedOut());
    }

    @Test
    void workDirIsUsed() {
        CommandResult result = runner().run(Command.of("pwd").withWorkDir(logs));

        assertEquals(logs.toString(), result.stdout().strip());
    }

    @Test
    void programThatCannotStartNamesItsArguments() {
        CommandException e = assertThrows(CommandException.class,
                () -> runner().run(Command.of("/nonexistent/inchworm-program", "--flag")));

        assertEquals(List.of("/nonexistent/inchworm-program", "--flag"), e.argv());
        assertTrue(e.getMessage().contains("/nonexistent/inchworm-program"), e.getMessage());
    }

    @Test
    void nonZeroExitIsAResultNotAnException() {
        CommandResult result = runner().run(Command.of("sh", "-c", "echo out; echo err >&2; exit 7"));

        assertEquals(7, result.exitCode());
        assertFalse(result.ok());
        assertEquals("out\n", result.stdout());
        assertEquals("err", result.stderr());
    }
}
