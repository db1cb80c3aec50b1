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
 */
public record CliEnvironment(Map<String, String> variables, Optional<String> home,
                             Function<HostProfile, CommandRunner> hostCommands) {

    public CliEnvironment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(hostCommands, "hostCommands");
    }

    /** The environment of this JVM. */
    public static CliEnvironment ofProcess(Function<HostProfile, CommandRunner> hostCommands) {
        return new CliEnvironment(System.getenv(), Optional.ofNullable(System.getProperty("inchworm.home")),
                hostCommands);
    }

    /** The same with another command runner (tests). */
    public CliEnvironment withHostCommands(Function<HostProfile, CommandRunner> runner) {
        return new CliEnvironment(variables, home, runner);
    }
}
