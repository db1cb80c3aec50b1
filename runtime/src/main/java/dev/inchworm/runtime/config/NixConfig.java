package dev.inchworm.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code nix:} block: how Nix commands are run on this host.
 *
 * @param profile     the system profile ({@code /nix/var/nix/profiles/system})
 * @param options     passed to every Nix command as {@code --option NAME VALUE}
 * @param environment extra environment for Nix commands
 * @param prefix      command prefix for everything run on the host, e.g.
 *                    {@code [nsenter, -t, "1234", -m, --]}
 * @param timeouts    how long each kind of Nix command may take (the profile's {@code timeouts:})
 */
public record NixConfig(Path profile, Map<String, String> options, Map<String, String> environment,
                        List<String> prefix, Timeouts timeouts) {

    public NixConfig {
        Objects.requireNonNull(profile, "profile");
        options = Map.copyOf(options);
        environment = Map.copyOf(environment);
        prefix = List.copyOf(prefix);
        Objects.requireNonNull(timeouts, "timeouts");
    }

    /** With the default timeouts. */
    public NixConfig(Path profile, Map<String, String> options, Map<String, String> environment,
                     List<String> prefix) {
        this(profile, options, environment, prefix, Timeouts.DEFAULTS);
    }

    public NixConfig withTimeouts(Timeouts newTimeouts) {
        return new NixConfig(profile, options, environment, prefix, newTimeouts);
    }
}
