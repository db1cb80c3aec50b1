package dev.inchworm.api.host;

import dev.inchworm.api.Api;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a finished command left. Output is bounded: {@code stdout} is kept whole up to the
 * runner's bound, and beyond it the full output is in {@code logFile}; {@code stderrTail}
 * keeps the last lines of stderr for error messages.
 *
 * @param argv       the argument list actually run (with any prefix)
 * @param exitCode   the exit code; 128+N when killed by signal N
 * @param stdout     standard output, possibly truncated (see {@code truncated})
 * @param stderrTail the last lines of standard error
 * @param truncated  true when stdout exceeded the bound and was cut
 * @param timedOut   true when the timeout killed the process tree
 * @param duration   wall time
 * @param logFile    the full output, when it was written to a log file
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record CommandResult(List<String> argv, int exitCode, String stdout, List<String> stderrTail,
                            boolean truncated, boolean timedOut, Duration duration, Optional<Path> logFile) {

    public CommandResult {
        argv = List.copyOf(argv);
        stderrTail = List.copyOf(stderrTail);
    }

    /** Exit code 0 and not timed out. */
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /**
     * One line for an error message: {@code ARGV exited with N [(timed out)][: STDERR]}, so every
     * plugin reports a failed command the same way.
     */
    public String describe() {
        return String.join(" ", argv) + " exited with " + exitCode + (timedOut ? " (timed out)" : "")
                + (stderr().isBlank() ? "" : ": " + stderr().strip());
    }

    /** The stderr tail as one string, lines joined by newlines. */
    public String stderr() {
        return String.join("\n", stderrTail);
    }
}
