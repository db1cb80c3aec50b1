package dev.inchworm.runtime.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** Standard output: lines to the listener, bytes kept up to the bound, the rest in a log file. */
final class StdoutSink implements Sink {
    private final LineSplitter lines;
    private final OutputLog log;
    private final int bound;
    private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
    private volatile boolean truncated;
    private volatile boolean logFailed;
    private final LogBudget budget;
    private long logged;
    private boolean logCut;

    StdoutSink(int bound, Path logDir, String program, Consumer<String> listener, LogBudget budget) {
        this.bound = bound;
        this.lines = new LineSplitter(listener);
        this.log = new OutputLog(logDir, program);
        this.budget = budget;
    }

    @Override
    public synchronized void write(byte[] bytes, int length) {
        lines.write(bytes, length);
        if (!truncated && kept.size() + length <= bound) {
            kept.write(bytes, 0, length);
            return;
        }
        if (!truncated) {
            truncated = true;
            int room = bound - kept.size();
            logged(kept.toByteArray(), kept.size());
            kept.write(bytes, 0, room);
        }
        logged(bytes, length);
    }

    // A log that cannot be written (disk full) must not stop the draining of the pipe,
    // or the process would block: the rest is dropped and no log file is reported.
    private void logged(byte[] bytes, int length) {
        if (logFailed || logCut) {
            return;
        }
        long granted = budget.take(Math.min(length, ProcessRunner.LOG_BYTES - logged));
        try {
            log.write(bytes, (int) granted);
            logged += granted;
        } catch (UncheckedIOException e) {
            logFailed = true;
        }
        logCut = granted < length;
    }

    /** Deletes the log (its command succeeded: nothing to explain), giving its bytes back. */
    synchronized void deleteLog() {
        log.file().ifPresent(file -> {
            try {
                java.nio.file.Files.deleteIfExists(file);
                budget.giveBack(logged);
                logged = 0;
                logFailed = true; // no log file to report
            } catch (IOException e) {
                // kept: it still counts against the budget
            }
        });
    }

    @Override
    public void end() {
        lines.end();
    }

    synchronized void close() {
        try {
            log.close();
        } catch (UncheckedIOException e) {
            logFailed = true;
        }
    }

    synchronized String text() {
        return kept.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    boolean truncated() {
        return truncated;
    }

    Optional<Path> logFile() {
        return logFailed ? Optional.empty() : log.file();
    }
}
