package dev.inchworm.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code nix:} block: how Nix commands are run on this host.
 *
 * @param profile       the system profile ({@code /nix/var/nix/profiles/system})
 * @param options       passed to every Nix command as {@code --option NAME VALUE}
 * @param environment   extra environment for Nix commands
 * @param prefix        command prefix for everything run on the host, e.g.
 *                      {@code [nsenter, -t, "1234", -m, --]}
 * @param timeouts      how long each kind of Nix command may take (the profile's {@code timeouts:})
 * @param bootedSystem  the link to the booted system, a pin ({@code /run/booted-system})
 * @param currentSystem the link to the activated system, a pin ({@code /run/current-system})
 */
public record NixConfig(Path profile, Map<String, String> options, Map<String, String> environment,
                        List<String> prefix, Timeouts timeouts, Path bootedSystem, Path currentSystem) {

    /** NixOS's booted-system link. */
    public static final Path DEFAULT_BOOTED_SYSTEM = Path.of("/run/booted-system");
    /** NixOS's current-system link. */
    public static final Path DEFAULT_CURRENT_SYSTEM = Path.of("/run/current-system");

    public NixConfig {
        Objects.requireNonNull(profile, "profile");
        options = Map.copyOf(options);
        environment = Map.copyOf(environment);
        prefix = List.copyOf(prefix);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(bootedSystem, "bootedSystem");
        Objects.requireNonNull(currentSystem, "currentSystem");
    }

    /** With the default timeouts and NixOS's live-system links. */
    public NixConfig(Path profile, Map<String, String> options, Map<String, String> environment,
                     List<String> prefix) {
        this(profile, options, environment, prefix, Timeouts.DEFAULTS, DEFAULT_BOOTED_SYSTEM, DEFAULT_CURRENT_SYSTEM);
    }

    public NixConfig withTimeouts(Timeouts newTimeouts) {
        return new NixConfig(profile, options, environment, prefix, newTimeouts, bootedSystem, currentSystem);
    }

    public NixConfig withLiveSystems(Path booted, Path current) {
        return new NixConfig(profile, options, environment, prefix, timeouts, booted, current);
    }
}
