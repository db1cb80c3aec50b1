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
 */
public record NixConfig(Path profile, Map<String, String> options, Map<String, String> environment,
                        List<String> prefix) {

    public NixConfig {
        Objects.requireNonNull(profile, "profile");
        options = Map.copyOf(options);
        environment = Map.copyOf(environment);
        prefix = List.copyOf(prefix);
    }
}
