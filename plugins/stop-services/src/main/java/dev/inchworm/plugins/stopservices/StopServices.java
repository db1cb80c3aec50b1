package dev.inchworm.plugins.stopservices;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.provision.ProvisionContext;
import dev.inchworm.api.provision.Provisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * Stops non-vital systemd units while the upgrade runs, so their memory is the build's, and
 * starts them again afterwards. Only units that were running are stopped, and each is noted in
 * the run's state before it is stopped: release starts exactly those, newest first, also on the
 * run after a crash. Units that keep the host reachable or Nix working can never be listed.
 */
@Extension
public final class StopServices implements Provisioner<StopServices.Settings> {

    /** The state key: the units stopped so far, in order, space-separated. */
    static final String STOPPED_KEY = "stopped";

    /**
     * Never stopped, whatever the profile says: losing them cuts the host off (ssh, network,
     * dbus), breaks the upgrade itself (nix-daemon, inchworm) or the system (systemd's own units).
     */
    static final List<String> VITAL = List.of("sshd.service", "ssh.service", "sshd@*", "systemd-*", "dbus*",
            "nix-daemon.*", "network*", "NetworkManager*", "wpa_supplicant*", "dhcpcd*", "iwd.service",
            "getty@*", "serial-getty@*", "autovt@*", "inchworm*", "polkit.service");

    /** What stop-services may stop: not targets, mounts, slices, scopes or devices. */
    static final List<String> KINDS = List.of(".service", ".socket", ".timer", ".path");

    /** Every unit type systemd knows; a name ending otherwise is a service, as systemctl reads it. */
    private static final List<String> ALL_KINDS = List.of(".service", ".socket", ".timer", ".path", ".target",
            ".mount", ".automount", ".swap", ".device", ".slice", ".scope");

    private static final Pattern UNIT_NAME = Pattern.compile("[A-Za-z0-9:_.\\\\@-]+");

    static final Duration TIMEOUT = Duration.ofMinutes(5);

    /**
     * Settings of {@code stop-services}.
     *
     * @param units     the units to stop, in this order; a name without a suffix is a {@code .service}
     * @param protect   more patterns ({@code *} matches anything) of units never to stop, besides
     *                  the built-in vital ones
     * @param systemctl the systemctl program (default {@code systemctl}, found on the host's PATH)
     */
    public record Settings(List<String> units, List<String> protect, String systemctl) {
        public Settings {
            protect = protect == null ? List.of() : List.copyOf(protect);
            for (String pattern : protect) {
                if (pattern == null || pattern.isBlank()) {
                    throw new IllegalArgumentException("protect: a pattern must not be empty");
                }
            }
            if (units == null || units.isEmpty()) {
                throw new IllegalArgumentException("units: list the units to stop during the upgrade, e.g. [nginx, postgresql]");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String unit : units) {
                String full = withSuffix(unit);
                check(full, protect);
                if (!seen.add(full)) {
                    throw new IllegalArgumentException("units: '" + full + "' is listed twice");
                }
            }
            units = List.copyOf(seen);
            systemctl = systemctl == null ? "systemctl" : systemctl;
            if (systemctl.isBlank() || (systemctl.contains("/") && !systemctl.startsWith("/"))) {
                throw new IllegalArgumentException("systemctl must be a program name or an absolute path: '" + systemctl + "'");
            }
        }

        private static String withSuffix(String unit) {
            if (unit == null || !UNIT_NAME.matcher(unit).matches() || unit.startsWith("-")) {
                throw new IllegalArgumentException("units: not a unit name: '" + unit + "'");
            }
            return ALL_KINDS.stream().anyMatch(unit::endsWith) ? unit : unit + ".service";
        }

        private static void check(String unit, List<String> protect) {
            if (KINDS.stream().noneMatch(unit::endsWith)) {
                throw new IllegalArgumentException("units: '" + unit + "' cannot be stopped by stop-services: "
                        + "only services, sockets, timers and paths (" + String.join(", ", KINDS) + ")");
            }
            for (String pattern : VITAL) {
                if (matches(pattern, unit)) {
                    throw new IllegalArgumentException("units: '" + unit + "' is vital (matches '" + pattern
                            + "'): stopping it could cut the host off or break the upgrade; remove it from units");
                }
            }
            for (String pattern : protect) {
                if (matches(pattern, unit)) {
                    throw new IllegalArgumentException("units: '" + unit + "' is protected by protect: '" + pattern
                            + "'; remove it from units or from protect");
                }
            }
        }
    }

    /** Glob match where {@code *} is any text; a pattern without a suffix also matches its {@code .service}. */
    static boolean matches(String pattern, String unit) {
        String regex = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote)
                .reduce((a, b) -> a + ".*" + b).orElse("");
        return unit.matches(regex) || unit.matches(regex + "\\.service");
    }

    @Override
    public String id() {
        return "stop-services";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String description() {
        return "stops non-vital systemd units during the upgrade and starts them again after";
    }

    @Override
    public void acquire(ProvisionContext<Settings> context) {
        Settings settings = context.settings();
        List<String> stopped = new ArrayList<>(noted(context));
        for (String unit : settings.units()) {
            if (stopped.contains(unit)) {
                continue;
            }
            CommandResult state = run(context, "is-active", unit);
            String activity = state.stdout().strip();
            if (state.timedOut() || activity.isEmpty()) {
                throw new IllegalStateException("cannot tell whether " + unit + " runs: " + state.describe());
            }
            if (!(activity.equals("active") || activity.equals("activating") || activity.equals("reloading"))) {
                context.host().log().info("stop-services: {} is {}, left alone", unit, activity);
                continue;
            }
            // Noted before it is stopped: after a crash mid-stop, release starts it again.
            stopped.add(unit);
            context.state().put(STOPPED_KEY, String.join(" ", stopped));
            CommandResult stop = run(context, "stop", unit);
            if (!stop.ok()) {
                throw new IllegalStateException("cannot stop " + unit + ": " + stop.describe());
            }
            context.host().log().info("stop-services: stopped {}", unit);
        }
    }

    @Override
    public void release(ProvisionContext<Settings> context) {
        List<String> stopped = new ArrayList<>(noted(context));
        List<String> failed = new ArrayList<>();
        for (int i = stopped.size() - 1; i >= 0; i--) {
            String unit = stopped.get(i);
            CommandResult start = run(context, "start", unit);
            if (start.ok()) {
                stopped.remove(i);
                context.host().log().info("stop-services: started {} again", unit);
            } else {
                failed.add(unit + " (" + start.describe() + ")");
            }
        }
        if (stopped.isEmpty()) {
            context.state().remove(STOPPED_KEY);
        } else {
            context.state().put(STOPPED_KEY, String.join(" ", stopped));
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("could not start again: " + String.join("; ", failed));
        }
    }

    private static List<String> noted(ProvisionContext<Settings> context) {
        Optional<String> noted = context.state().get(STOPPED_KEY);
        return noted.filter(n -> !n.isBlank()).map(n -> List.of(n.strip().split(" "))).orElse(List.of());
    }

    private static CommandResult run(ProvisionContext<Settings> context, String verb, String unit) {
        return context.host().commands().run(Command.of(context.settings().systemctl(), verb, unit).withTimeout(TIMEOUT));
    }
}
