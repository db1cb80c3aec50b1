package dev.inchworm.runtime.cli;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.runtime.config.HostProfile;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the command line takes from the process it runs in, passed in so tests can run the
 * CLI in-process with their own: environment variables, the {@code inchworm.home} system
 * property (set by the launcher) and how to run commands on a profile's host.
 *
 * @param variables     environment variables ({@code INCHWORM_PLUGINS})
 * @param home          the distribution folder, from {@code -Dinchworm.home}
 * @param hostCommands  the command runner for a profile's host (prefix, environment)
 * @param journal       whether standard error is the systemd journal (lines then carry priorities)
 */
public record CliEnvironment(Map<String, String> variables, Optional<String> home,
                             Function<HostProfile, CommandRunner> hostCommands, boolean journal) {

    public CliEnvironment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(hostCommands, "hostCommands");
    }

    /** Standard error not the journal (tests, a terminal). */
    public CliEnvironment(Map<String, String> variables, Optional<String> home,
                          Function<HostProfile, CommandRunner> hostCommands) {
        this(variables, home, hostCommands, false);
    }

    /** The environment of this JVM; whether its standard error is the journal is looked up. */
    public static CliEnvironment ofProcess(Function<HostProfile, CommandRunner> hostCommands) {
        Map<String, String> variables = System.getenv();
        return new CliEnvironment(variables, Optional.ofNullable(System.getProperty("inchworm.home")),
                hostCommands, JournalStream.isStderr(variables));
    }

    /** The same with another command runner (tests). */
    public CliEnvironment withHostCommands(Function<HostProfile, CommandRunner> runner) {
        return new CliEnvironment(variables, home, runner, journal);
    }
}
