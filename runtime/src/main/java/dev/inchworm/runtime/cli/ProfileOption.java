package dev.inchworm.runtime.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --profile FILE}: the host profile a command works on. Shared by every command. */
public final class ProfileOption {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = {"-p", "--profile"}, paramLabel = "FILE",
            description = "Host profile (.yaml, .yml or .json); see docs/host-profile.md.")
    private Path profile;

    /** The profile file, when given. */
    public Optional<Path> optional() {
        return Optional.ofNullable(profile);
    }

    /** The profile file; a usage error (exit 2) when missing. */
    public Path required() {
        if (profile == null) {
            throw new ParameterException(mixee.commandLine(), "Missing required option: '--profile=FILE'");
        }
        return profile;
    }
}
