package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.runtime.config.NixConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a system is activated, as nixos-rebuild-ng does it: {@code switch-to-configuration}
 * (of the profile's specialisation, when it names one) runs in a transient unit of its own
 * through {@code systemd-run ... --wait} when systemd runs on the host, so a switch that
 * restarts Inchworm's own unit does not kill the switch halfway. Without systemd it is a
 * direct child, and the log says so.
 */
final class Activation {

    private static final Logger LOG = LoggerFactory.getLogger(Activation.class);

    /** The transient unit's name (nixos-rebuild's is {@code nixos-rebuild-switch-to-configuration}). */
    static final String UNIT = "inchworm-switch-to-configuration";
    /** nixos-rebuild-ng's flags: the environment passed on, the unit's output on ours, waiting for its end. */
    static final List<String> SYSTEMD_RUN_FLAGS = List.of("-E", "LOCALE_ARCHIVE", "-E", "NIXOS_INSTALL_BOOTLOADER",
            "-E", "NIXOS_NO_CHECK", "--collect", "--no-ask-password", "--pipe", "--quiet", "--service-type=exec",
            "--unit=" + UNIT, "--wait");
    /** What sd_booted() checks: systemd is the running init. */
    static final String SYSTEMD_PROBE = "/run/systemd/system";

    private final NixCommands nix;
    private final NixConfig config;
    private Optional<String> systemdRun; // probed once

    Activation(NixCommands nix) {
        this.nix = nix;
        this.config = nix.config();
    }

    /** The command that activates {@code toplevel} with {@code action}. */
    Command command(StorePath toplevel, SwitchAction action) {
        String system = config.specialisation().map(name -> toplevel.path() + "/specialisation/" + name)
                .orElse(toplevel.path());
        List<String> argv = new ArrayList<>();
        systemdRun().ifPresent(program -> {
            argv.add(program);
            argv.addAll(SYSTEMD_RUN_FLAGS);
        });
        argv.add(system + "/bin/switch-to-configuration");
        argv.add(action.argument());
        Command command = nix.plain(argv);
        if (config.installBootloader()) {
            Map<String, String> environment = new HashMap<>(command.environment());
            environment.put("NIXOS_INSTALL_BOOTLOADER", "1");
            command = command.withEnvironment(environment);
        }
        return command;
    }

    private synchronized Optional<String> systemdRun() {
        if (systemdRun == null) {
            systemdRun = probe();
        }
        return systemdRun;
    }

    private Optional<String> probe() {
        String setting = config.systemdRun();
        if (setting.equals(NixConfig.SYSTEMD_RUN_OFF)) {
            return Optional.empty();
        }
        if (!setting.equals(NixConfig.SYSTEMD_RUN_AUTO)) {
            return Optional.of(setting);
        }
        if (nix.attempt(nix.plain(List.of("test", "-d", SYSTEMD_PROBE))).result().ok()) {
            return Optional.of("systemd-run");
        }
        LOG.info("systemd is not running on the host ({} is missing): switch-to-configuration runs as a direct "
                + "child of Inchworm", SYSTEMD_PROBE);
        return Optional.empty();
    }
}
