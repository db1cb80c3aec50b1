package dev.inchworm.runtime.exec;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.runtime.config.NixConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Inchworm starts a process: from an argument list (never a shell string), with
 * the host's prefix for {@link Command#onHost()} commands, a base environment, a timeout that
 * kills the whole process tree, and bounded output.
 *
 * <p>Standard output is kept in memory up to {@code stdoutBound} bytes; beyond it the whole
 * standard output (from its first byte) is written to a log file under {@code logDir} and the
 * result is marked truncated. Of standard error only the last {@code tailLines} lines are
 * kept. Every line of both streams goes to the command's line listener as it arrives (calls
 * are serialised, so a listener need not be thread-safe). Lines longer than 64 KiB reach the
 * listener in pieces, so output without newlines cannot exhaust memory either. When the log
 * cannot be written (a full disk) the rest is dropped, and the result names no log file.
 * A log holds at most {@link #LOG_BYTES} (the rest is dropped), the logs of one runner at
 * most {@link #LOGS_BYTES} together, and the log of a command that succeeded is deleted at
 * once: logs are kept only to explain failures. A new runner first deletes the oldest logs
 * of earlier runs beyond half that total. A command with a
 * {@link Command#stdoutReader()} has its standard output read by it instead: nothing kept,
 * nothing logged.
 *
 * <p>Standard input is {@code /dev/null}: nothing Inchworm runs may wait for a person. A prefix
 * that enters a mount namespace ({@code nsenter -m}) starts the program in {@code /}, whatever
 * {@link Command#workDir()} says: commands run on the host take absolute paths.
 *
 * <p>Exit codes: a process killed by signal N exits with 128+N. The JDK on Linux already
 * reports it that way ({@code 0x80 + WTERMSIG}), the same number a shell gives. After a
 * timeout the exit code is whatever the killed process reported ({@code 137} for SIGKILL, or
 * its own code when it exited as its children were killed); {@code timedOut} is what counts.
 */
public final class ProcessRunner implements CommandRunner {

    /** Default in-memory bound of standard output: 1 MiB. */
    public static final int DEFAULT_STDOUT_BOUND = 1 << 20;
    /** Bytes of one command's output log at most. */
    public static final long LOG_BYTES = 2L << 20;
    /** Bytes of the output logs one runner keeps at most, together. */
    public static final long LOGS_BYTES = 6L << 20;
    /** Default number of standard-error lines kept for error messages. */
    public static final int DEFAULT_TAIL_LINES = 40;

    // After the tree is killed, a grandchild that escaped it may still hold a pipe open:
    // the readers are given this long to see end-of-file, then left behind (daemon threads).
    private static final Duration DRAIN_AFTER_KILL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.exec");

    private final List<String> prefix;
    private final Map<String, String> baseEnvironment;
    private final Path logDir;
    private final int stdoutBound;
    private final int tailLines;
    private final LogBudget logBudget;

    /**
     * @param prefix          prepended to commands run on the host (may be empty)
     * @param baseEnvironment the environment every command starts from (replaces the JVM's)
     * @param logDir          where overflowing standard output is written (created on first use)
     * @param stdoutBound     bytes of standard output kept in memory
     * @param tailLines       lines of standard error kept
     */
    public ProcessRunner(List<String> prefix, Map<String, String> baseEnvironment, Path logDir,
                         int stdoutBound, int tailLines) {
        this.prefix = List.copyOf(prefix);
        this.baseEnvironment = Map.copyOf(baseEnvironment);
        this.logDir = Objects.requireNonNull(logDir, "logDir");
        if (stdoutBound < 1 || tailLines < 1) {
            throw new IllegalArgumentException("stdout bound and tail lines must be positive: "
                    + stdoutBound + ", " + tailLines);
        }
        this.stdoutBound = stdoutBound;
        this.tailLines = tailLines;
        this.logBudget = new LogBudget(LOGS_BYTES - pruneLogs(logDir, LOGS_BYTES / 2));
    }

    /**
     * Deletes the oldest logs of earlier runs until those left take at most {@code keep}
     * bytes; returns the bytes left. A log that cannot be deleted still counts.
     */
    static long pruneLogs(Path logDir, long keep) {
        if (!Files.isDirectory(logDir)) {
            return 0;
        }
        List<Path> logs;
        try (var files = Files.list(logDir)) {
            logs = new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(".log")).toList());
        } catch (IOException e) {
            return 0;
        }
        logs.sort(java.util.Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed());
        long kept = 0;
        for (Path log : logs) {
            long size = log.toFile().length();
            if (kept + size <= keep) {
                kept += size;
                continue;
            }
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                kept += size;
            }
        }
        return Math.min(kept, LOGS_BYTES);
    }

    /**
     * The runner for a host profile: its {@code nix.prefix}, the environment Inchworm was
     * started with, logs under {@code stateDir/logs}, default bounds.
     */
    public static ProcessRunner forHost(NixConfig nix, Path stateDir) {
        return new ProcessRunner(nix.prefix(), System.getenv(), stateDir.resolve("logs"),
                DEFAULT_STDOUT_BOUND, DEFAULT_TAIL_LINES);
    }

    /** A runner without prefix, inheriting the JVM's environment, for commands on this machine. */
    public static ProcessRunner local(Path logDir) {
        return new ProcessRunner(List.of(), System.getenv(), logDir, DEFAULT_STDOUT_BOUND, DEFAULT_TAIL_LINES);
    }

    /** The prefix prepended to on-host commands. */
    public List<String> prefix() {
        return prefix;
    }

    @Override
    public CommandResult run(Command command) {
        List<String> argv = new ArrayList<>();
        if (command.onHost()) {
            argv.addAll(prefix);
        }
        argv.addAll(command.argv());

        ProcessBuilder builder = new ProcessBuilder(argv);
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(baseEnvironment);
        env.putAll(command.environment());
        command.workDir().ifPresent(dir -> builder.directory(dir.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));

        Instant start = Instant.now();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CommandException(argv, "cannot start " + argv + ": " + e.getMessage(), e);
        }

        Consumer<String> listener = serialised(command.lineListener());
        StdoutSink stdout = new StdoutSink(stdoutBound, logDir, argv.get(0), listener, logBudget);
        StderrSink stderr = new StderrSink(tailLines, listener);
        StreamedStdout streamed = command.stdoutReader().map(StreamedStdout::new).orElse(null);
        Thread outReader = streamed != null ? streamed.start(process.getInputStream(), "stdout " + argv.get(0))
                : reader(process.getInputStream(), stdout, "stdout " + argv.get(0));
        Thread errReader = reader(process.getErrorStream(), stderr, "stderr " + argv.get(0));

        Tree tree = new Tree(process);
        boolean timedOut;
        try {
            timedOut = !tree.awaitEnd(List.of(outReader, errReader), command.timeout());
            if (timedOut) {
                tree.kill();
                outReader.join(DRAIN_AFTER_KILL.toMillis());
                errReader.join(DRAIN_AFTER_KILL.toMillis());
            }
        } catch (InterruptedException e) {
            tree.kill();
            stdout.close(); // the log file, if the output overflowed into one
            Thread.currentThread().interrupt();
            throw new CommandException(argv, "interrupted while running " + argv, e);
        }
        int exitCode = waitUninterruptibly(process);
        stdout.close();
        if (exitCode == 0 && !timedOut) {
            stdout.deleteLog();
        }
        if (streamed != null) {
            streamed.rethrow(argv);
        }
        Duration took = Duration.between(start, Instant.now());
        if (LOG.isDebugEnabled()) {
            // Where a run's time goes outside Java: every command, its exit and its wall time.
            LOG.debug("ran {} in {} ms, exit {}", shown(argv), took.toMillis(), exitCode);
        }
        return new CommandResult(argv, exitCode, stdout.text(), stderr.tail(), stdout.truncated(),
                timedOut, took, stdout.logFile());
    }

    /** The command for the debug log: its first arguments, and how many more there were. */
    private static String shown(List<String> argv) {
        int keep = Math.min(argv.size(), 9);
        String head = String.join(" ", argv.subList(0, keep));
        return argv.size() > keep ? head + " ... (" + (argv.size() - keep) + " more)" : head;
    }

    /**
     * A process and every descendant seen while it ran: a child that outlives its parent (and
     * so is no longer its descendant) but holds the output pipe is still found and killed.
     */
    private static final class Tree {
        private static final long LOOK_EVERY_MILLIS = 250;
        private final Process process;
        private final Set<ProcessHandle> seen = new HashSet<>();

        Tree(Process process) {
            this.process = process;
        }

        /** Waits until the process has exited and its output is read; false at the timeout. */
        boolean awaitEnd(List<Thread> readers, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                look();
                if (!process.isAlive() && readers.stream().noneMatch(Thread::isAlive)) {
                    return true;
                }
                long left = timeout.isZero() ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                long slice = Math.max(1, Math.min(LOOK_EVERY_MILLIS, TimeUnit.NANOSECONDS.toMillis(left)));
                if (process.isAlive()) {
                    process.waitFor(slice, TimeUnit.MILLISECONDS);
                } else {
                    for (Thread reader : readers) {
                        reader.join(slice);
                    }
                }
            }
        }

        private void look() {
            process.descendants().forEach(seen::add);
            seen.removeIf(handle -> !running(handle));
        }

        /**
         * Kills children before their parent, because once the parent is gone they are
         * re-parented and no longer found as descendants; repeated because a shell may fork
         * between the look and the kill.
         */
        void kill() {
            look();
            for (int round = 0; round < 50 && !seen.isEmpty(); round++) {
                seen.forEach(ProcessHandle::destroyForcibly);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                look();
            }
            process.destroyForcibly();
        }

        /**
         * Alive and not a zombie: a killed orphan stays a zombie until its new parent reaps it
         * (in a container, maybe never), and {@link ProcessHandle#isAlive()} counts zombies.
         */
        private static boolean running(ProcessHandle handle) {
            if (!handle.isAlive()) {
                return false;
            }
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                return state != 'Z' && state != 'X';
            } catch (IOException | RuntimeException gone) {
                return false;
            }
        }
    }

    private static int waitUninterruptibly(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Consumer<String> serialised(Consumer<String> listener) {
        Object lock = new Object();
        return line -> {
            synchronized (lock) {
                listener.accept(line);
            }
        };
    }

    private static Thread reader(InputStream in, Sink sink, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sink.write(buffer, n);
                }
            } catch (IOException e) {
                // The stream closes when the process is killed: what was read is kept.
            } finally {
                sink.end();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
