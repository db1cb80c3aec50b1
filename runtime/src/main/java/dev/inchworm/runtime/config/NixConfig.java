package dev.inchworm.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code nix:} block: how Nix commands are run on this host.
 *
 * @param profile     the system profile ({@code /nix/var/nix/profiles/system})
 * @param options     passed to every Nix command as {@code --option NAME VALUE}
 * @param environment extra environment for Nix commands
 * @param prefix      command prefix for everything run on the host, e.g.
 *                    {@code [nsenter, -t, "1234", -m, --]}
 * @param timeouts    how long each kind of Nix command may take (the profile's {@code timeouts:})
 * @param systemdRun  how switch-to-configuration is started: {@value #SYSTEMD_RUN_AUTO} (through
 *                    {@code systemd-run} when systemd runs on the host), {@value #SYSTEMD_RUN_OFF}
 *                    (a direct child), or the path of a {@code systemd-run} to use always
 * @param installBootloader {@code NIXOS_INSTALL_BOOTLOADER=1} for each activation
 * @param specialisation the specialisation activated ({@code TOPLEVEL/specialisation/NAME})
 */
public record NixConfig(Path profile, Map<String, String> options, Map<String, String> environment,
                        List<String> prefix, Timeouts timeouts, String systemdRun, boolean installBootloader,
                        Optional<String> specialisation) {

    /** systemd-run when systemd runs on the host. */
    public static final String SYSTEMD_RUN_AUTO = "auto";
    /** Never systemd-run. */
    public static final String SYSTEMD_RUN_OFF = "off";

    public NixConfig {
        Objects.requireNonNull(profile, "profile");
        options = Map.copyOf(options);
        environment = Map.copyOf(environment);
        prefix = List.copyOf(prefix);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(systemdRun, "systemdRun");
        Objects.requireNonNull(specialisation, "specialisation");
    }

    /**
     * With the default timeouts; activation as a direct child (what tests over a sandbox host
     * need), no bootloader install, no specialisation.
     */
    public NixConfig(Path profile, Map<String, String> options, Map<String, String> environment,
                     List<String> prefix) {
        this(profile, options, environment, prefix, Timeouts.DEFAULTS);
    }

    /** With these timeouts; activation as above. */
    public NixConfig(Path profile, Map<String, String> options, Map<String, String> environment,
                     List<String> prefix, Timeouts timeouts) {
        this(profile, options, environment, prefix, timeouts, SYSTEMD_RUN_OFF, false, Optional.empty());
    }

    public NixConfig withTimeouts(Timeouts newTimeouts) {
        return new NixConfig(profile, options, environment, prefix, newTimeouts, systemdRun, installBootloader,
                specialisation);
    }
}
