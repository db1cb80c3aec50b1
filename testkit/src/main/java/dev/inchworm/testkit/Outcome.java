package dev.inchworm.testkit;

import java.util.List;
import java.util.Objects;

/**
 * What a command run by the kit left: exit code and the whole of both output streams (the
 * kit's commands are small; nothing is truncated).
 *
 * @param argv     the argument list actually run, with any {@code nsenter} prefix
 * @param exitCode the exit code; 128+N when killed by signal N
 * @param stdout   standard output
 * @param stderr   standard error
 */
public record Outcome(List<String> argv, int exitCode, String stdout, String stderr) {

    public Outcome {
        argv = List.copyOf(argv);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** True for exit code 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** This outcome when it is ok, else an {@link IllegalStateException} naming the command. */
    public Outcome requireOk() {
        if (!ok()) {
            throw new IllegalStateException("command failed with exit code " + exitCode + ": "
                    + String.join(" ", argv) + "\n" + stderr.strip());
        }
        return this;
    }

    /** Standard output without surrounding white space: the usual way to read a path. */
    public String text() {
        return stdout.strip();
    }

    /** Standard output split into non-empty lines. */
    public List<String> lines() {
        return stdout.lines().filter(line -> !line.isBlank()).toList();
    }
}
