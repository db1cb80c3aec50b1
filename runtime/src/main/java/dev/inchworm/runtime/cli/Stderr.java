package dev.inchworm.runtime.cli;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * Standard error as lines that each have a {@link Priority}. On a terminal or in a file the
 * lines are as written; when standard error is the journal each line carries its sd-daemon
 * prefix, one per line of a multi-line message (journald makes each line an entry).
 */
final class Stderr {

    private final PrintWriter err;
    private final boolean journal;

    Stderr(PrintWriter err, boolean journal) {
        this.err = Objects.requireNonNull(err, "err");
        this.journal = journal;
    }

    void error(String text) {
        print(Priority.ERROR, text);
    }

    void warning(String text) {
        print(Priority.WARNING, text);
    }

    void info(String text) {
        print(Priority.INFO, text);
    }

    /** Prints {@code text} line by line at {@code priority}, flushed. */
    synchronized void print(Priority priority, String text) {
        for (String line : text.split("\\R")) {
            err.println(format(priority, line, journal));
        }
        err.flush();
    }

    /** The line as written to standard error: prefixed with its priority under journald. */
    static String format(Priority priority, String line, boolean journal) {
        return journal ? priority.prefix() + line : line;
    }

    boolean journal() {
        return journal;
    }
}
