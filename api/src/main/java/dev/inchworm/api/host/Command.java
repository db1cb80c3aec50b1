package dev.inchworm.api.host;

import dev.inchworm.api.Api;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A command to run: always an argument list, never a shell string, so an argument with
 * spaces, quotes or {@code $(...)} reaches the program unchanged.
 *
 * @param argv          program and arguments; the first element is the program
 * @param environment   variables added to (or overriding) the runner's environment
 * @param workDir       working folder, or empty for the runner's
 * @param timeout       the whole process tree is killed after this; {@link Duration#ZERO} = none
 * @param onHost        true to prepend the profile's {@code nix.prefix} (run inside the host's
 *                      namespace); false to run on the machine Inchworm runs on
 * @param lineListener  receives each output line (stdout and stderr) as it arrives, for progress
 * @param stdoutReader  when present, reads the standard output as it comes (in the runner's
 *                      reader thread, until the end of the stream): the runner then keeps none
 *                      of it, logs none of it and passes none of it to the line listener, and
 *                      the result's {@code stdout} is empty. What it throws, the run throws
 *                      once the process has ended (the rest of the output is drained).
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record Command(List<String> argv, Map<String, String> environment, Optional<Path> workDir,
                      Duration timeout, boolean onHost, Consumer<String> lineListener,
                      Optional<StdoutReader> stdoutReader) {

    /** Reads a command's standard output as a stream (bytes as the program wrote them). */
    @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
    @FunctionalInterface
    public interface StdoutReader {
        /** Reads from {@code stdout}; need not read to the end. */
        void read(InputStream stdout) throws IOException;
    }

    /** Default timeout: long enough for a real build, short enough that a hung one ends. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        Objects.requireNonNull(lineListener, "lineListener");
        Objects.requireNonNull(stdoutReader, "stdoutReader");
    }

    /** A command whose standard output the runner keeps (bounded), as before readers existed. */
    public Command(List<String> argv, Map<String, String> environment, Optional<Path> workDir,
                   Duration timeout, boolean onHost, Consumer<String> lineListener) {
        this(argv, environment, workDir, timeout, onHost, lineListener, Optional.empty());
    }

    /** A command run on the host (with the profile's prefix), default timeout, no listener. */
    public static Command of(String... argv) {
        return new Command(List.of(argv), Map.of(), Optional.empty(), DEFAULT_TIMEOUT, true, line -> { });
    }

    /** Same as {@link #of(String...)} from a list. */
    public static Command of(List<String> argv) {
        return new Command(argv, Map.of(), Optional.empty(), DEFAULT_TIMEOUT, true, line -> { });
    }

    public Command withTimeout(Duration newTimeout) {
        return new Command(argv, environment, workDir, newTimeout, onHost, lineListener, stdoutReader);
    }

    public Command withEnvironment(Map<String, String> newEnvironment) {
        return new Command(argv, newEnvironment, workDir, timeout, onHost, lineListener, stdoutReader);
    }

    public Command withWorkDir(Path dir) {
        return new Command(argv, environment, Optional.of(dir), timeout, onHost, lineListener, stdoutReader);
    }

    public Command withLineListener(Consumer<String> listener) {
        return new Command(argv, environment, workDir, timeout, onHost, listener, stdoutReader);
    }

    /** The same command with its standard output read by {@code reader} instead of kept. */
    public Command withStdoutReader(StdoutReader reader) {
        return new Command(argv, environment, workDir, timeout, onHost, lineListener, Optional.of(reader));
    }

    /** The same command run on the machine itself, without the profile's prefix. */
    public Command local() {
        return new Command(argv, environment, workDir, timeout, false, lineListener, stdoutReader);
    }
}
